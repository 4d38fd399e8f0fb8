// A chapter's solutions: notebooks/solutions/CC-topic.csx beside notebooks/CC-topic.ipynb. A line `// exercise 03.1`
// starts each exercise's section; the section's text is what replaces that exercise's answer cell.
using System.Text.RegularExpressions;

namespace DeepLearnKit.Cli.Exercises;

/// <summary>The solutions of one chapter, by exercise id.</summary>
public sealed partial class Solutions
{
    private readonly Dictionary<string, string> sections;

    private Solutions(string path, Dictionary<string, string> sections) => (Path, this.sections) = (path, sections);

    /// <summary>The file the solutions were read from.</summary>
    public string Path { get; }

    /// <summary>The exercise ids in file order.</summary>
    public IReadOnlyList<string> Ids => [.. sections.Keys];

    /// <summary>The solution of exercise <paramref name="id"/>, or null when the file has none.</summary>
    public string? For(string id) => sections.GetValueOrDefault(id);

    /// <summary>Where the solutions of the chapter at <paramref name="notebookPath"/> live: <c>solutions/&lt;name&gt;.csx</c> beside it.</summary>
    public static string FileFor(string notebookPath) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(notebookPath))!, "solutions",
            System.IO.Path.GetFileNameWithoutExtension(notebookPath) + ".csx");

    /// <summary>
    /// Reads <paramref name="path"/>. Text before the first <c>// exercise ID</c> line (a header comment) belongs to no
    /// exercise; an id given twice or a section with no code throws <see cref="FormatException"/> naming the file.
    /// </summary>
    public static Solutions Read(string path)
    {
        var sections = new Dictionary<string, string>();
        string? current = null;
        var lines = new List<string>();
        void Close()
        {
            if (current is null) return;
            string text = string.Join('\n', lines).Trim('\n', '\r');
            if (string.IsNullOrWhiteSpace(text)) throw new FormatException($"{path}: the solution of exercise {current} is empty.");
            sections[current] = text + "\n";
        }
        foreach (string raw in File.ReadAllText(path).Replace("\r\n", "\n").Split('\n'))
        {
            var marker = Marker().Match(raw);
            if (!marker.Success) { lines.Add(raw); continue; }
            Close();
            current = marker.Groups["id"].Value;
            if (sections.ContainsKey(current)) throw new FormatException($"{path}: exercise {current} has two sections.");
            lines.Clear();
        }
        Close();
        return new Solutions(path, sections);
    }

    [GeneratedRegex(@"^\s*//\s*exercise\s+(?<id>\S+)\s*$")]
    private static partial Regex Marker();
}
