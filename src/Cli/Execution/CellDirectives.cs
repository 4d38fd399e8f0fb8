// The kernel's directives in a C# cell, taken out of the code before it is compiled: a leading "#!csharp" cell magic,
// `#i "nuget: <source>"` (add a package source) and `#r "nuget: Id, Version"` (reference a package).
// `#r "path.dll"` stays in the code: Roslyn scripting resolves it.
using System.Text.RegularExpressions;

namespace DeepLearnKit.Cli.Execution;

/// <summary>A cell's code with its package directives taken out (each replaced by an empty line, keeping line numbers).</summary>
internal sealed partial record CellDirectives(string Code, IReadOnlyList<PackageRequest> Packages, IReadOnlyList<string> Sources)
{
    private static readonly HashSet<string> CSharpMagics = new(StringComparer.OrdinalIgnoreCase) { "#!csharp", "#!c#", "#!cs" };

    [GeneratedRegex("""^\s*#r\s+"nuget:\s*(?<id>[^,"\s]+)\s*(,\s*(?<version>[^"\s]+)\s*)?"\s*$""")]
    private static partial Regex PackageDirective();

    [GeneratedRegex("""^\s*#i\s+"nuget:\s*(?<source>[^"]+?)\s*"\s*$""")]
    private static partial Regex SourceDirective();

    /// <summary>
    /// Reads the directives of <paramref name="source"/>. A package source must be absolute (a folder or a feed URL); a
    /// relative one gives <see cref="ArgumentException"/> with <see cref="RelativeSourceMessage"/>, as the kernel fails on
    /// it. A cell for another kernel (<c>#!fsharp</c>, …) or a magic command dlk does not run gives
    /// <see cref="NotSupportedException"/>.
    /// </summary>
    public static CellDirectives Parse(string source)
    {
        var lines = source.Replace("\r\n", "\n").Split('\n');
        var packages = new List<PackageRequest>();
        var sources = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            string trimmed = line.Trim();
            if (trimmed.StartsWith("#!", StringComparison.Ordinal))
            {
                if (!CSharpMagics.Contains(trimmed))
                    throw new NotSupportedException($"'{trimmed}' (line {i + 1}): dlk runs C# cells; this magic command or kernel is not supported.");
                lines[i] = "";
            }
            else if (PackageDirective().Match(line) is { Success: true } package)
            {
                packages.Add(new PackageRequest(package.Groups["id"].Value, package.Groups["version"].Success ? package.Groups["version"].Value : null));
                lines[i] = "";
            }
            else if (SourceDirective().Match(line) is { Success: true } feed)
            {
                string value = feed.Groups["source"].Value;
                if (!Uri.TryCreate(value, UriKind.Absolute, out _))
                    throw new ArgumentException(RelativeSourceMessage(i + 1, trimmed));
                sources.Add(value);
                lines[i] = "";
            }
            else if (trimmed.StartsWith("#r \"nuget:", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Line {i + 1}: '{trimmed}' is not a package reference; write #r \"nuget: Id, Version\".");
            }
        }
        return new CellDirectives(string.Join('\n', lines), packages, sources);
    }

    /// <summary>The cell's code with its directives blanked out, or the source as it is when a directive is malformed (for completions).</summary>
    public static string TryStrip(string source)
    {
        try { return Parse(source).Code; }
        catch (Exception e) when (e is ArgumentException or NotSupportedException) { return source; }
    }

    /// <summary>
    /// What dlk says of a relative <c>#i "nuget: …"</c>: the .NET Interactive kernel cannot resolve one (it fails with
    /// "PackageManagement Error 999 Invalid URI: The format of the URI could not be determined."), so dlk refuses it too,
    /// and a notebook that runs in dlk runs there.
    /// </summary>
    public static string RelativeSourceMessage(int line, string directive) =>
        $"Line {line}: '{directive}' names a relative package source. The .NET Interactive kernel rejects it " +
        "(PackageManagement Error 999 Invalid URI: The format of the URI could not be determined), so dlk does too. " +
        "Write an absolute path or URL, or leave the #i line out: a build of DeepLearnKit registers its package folder as a " +
        "user-level NuGet source, so #r \"nuget: DeepLearnKit, <version>\" alone works in every host.";
}
