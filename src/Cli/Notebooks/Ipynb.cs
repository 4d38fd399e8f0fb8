// Jupyter's .ipynb (nbformat 4): read the cells of a notebook, write it back with outputs, and with the kernelspec and
// language metadata the .NET Interactive C# kernel writes, so Jupyter, VS Code and GitHub show it as a C# notebook.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeepLearnKit.Cli.Execution;
using DeepLearnKit.IO;

namespace DeepLearnKit.Cli.Notebooks;

/// <summary>Reads and writes nbformat 4 notebooks.</summary>
public static class Ipynb
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, IndentSize = 1 };

    /// <summary>Reads the cells (outputs are not read: a run makes them anew).</summary>
    public static Notebook Read(string path)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new NotebookFormatException(path, "the file is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException(path, $"not valid JSON ({e.Message}).");
        }
        if (root["nbformat"]?.GetValue<int>() is not 4)
            throw new NotebookFormatException(path, $"nbformat {root["nbformat"]?.ToJsonString() ?? "(missing)"} is not supported; dlk reads nbformat 4.");
        if (root["cells"] is not JsonArray cellArray)
            throw new NotebookFormatException(path, "it has no \"cells\" array.");

        var metadata = root["metadata"] as JsonObject ?? [];
        string defaultLanguage = metadata["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]?.GetValue<string>() ?? NotebookCell.CSharp;
        var cells = new List<NotebookCell>();
        foreach (var (node, index) in cellArray.Select((n, i) => (n, i)))
        {
            if (node is not JsonObject cell) throw new NotebookFormatException(path, $"cell {index + 1} is not a JSON object.");
            string source = node["source"] switch
            {
                JsonArray parts => string.Concat(parts.Select(p => p?.GetValue<string>())),
                JsonValue text => text.GetValue<string>(),
                _ => throw new NotebookFormatException(path, $"cell {index + 1} has no \"source\"."),
            };
            var cellMetadata = (cell["metadata"]?.DeepClone() as JsonObject) ?? [];
            CellKind kind = cell["cell_type"]?.GetValue<string>() switch
            {
                "code" => CellKind.Code,
                "markdown" => CellKind.Markdown,
                "raw" => CellKind.Raw,
                var other => throw new NotebookFormatException(path, $"cell {index + 1} has cell_type '{other}'."),
            };
            string language = cellMetadata["polyglot_notebook"]?["kernelName"]?.GetValue<string>()
                ?? cellMetadata["dotnet_interactive"]?["language"]?.GetValue<string>()
                ?? defaultLanguage;
            cells.Add(new NotebookCell(kind, source, language)
            {
                Id = cell["id"]?.GetValue<string>() ?? Guid.NewGuid().ToString("N")[..12],
                Metadata = cellMetadata,
            });
        }
        return new Notebook(cells) { Metadata = (JsonObject)metadata.DeepClone() };
    }

    /// <summary>
    /// Writes <paramref name="notebook"/> as nbformat 4.5 with its outputs and the .NET C# kernel's metadata. The file
    /// is written to a temporary name and renamed, so a failed write leaves an existing file as it was.
    /// </summary>
    public static void Write(Notebook notebook, string path)
    {
        var metadata = (JsonObject)notebook.Metadata.DeepClone();
        metadata["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" };
        metadata["language_info"] = new JsonObject
        {
            ["file_extension"] = ".cs", ["mimetype"] = "text/x-csharp", ["name"] = "C#", ["pygments_lexer"] = "csharp", ["version"] = "13.0",
        };
        metadata["polyglot_notebook"] = new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = NotebookCell.CSharp,
                ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["languageName"] = "C#", ["name"] = NotebookCell.CSharp }),
            },
        };
        var root = new JsonObject
        {
            ["cells"] = new JsonArray(notebook.Cells.Select(CellJson).ToArray<JsonNode?>()),
            ["metadata"] = metadata,
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        AtomicFile.WriteAllText(path, root.ToJsonString(Indented) + "\n");
    }

    private static JsonObject CellJson(NotebookCell cell)
    {
        var metadata = (JsonObject)cell.Metadata.DeepClone();
        var json = new JsonObject { ["cell_type"] = cell.Kind.ToString().ToLowerInvariant(), ["id"] = cell.Id };
        if (cell.Kind == CellKind.Code)
        {
            metadata["dotnet_interactive"] = new JsonObject { ["language"] = cell.Language };
            metadata["polyglot_notebook"] = new JsonObject { ["kernelName"] = cell.Language };
            json["execution_count"] = cell.ExecutionCount;
            json["metadata"] = metadata;
            json["outputs"] = new JsonArray(cell.Outputs.Select(OutputJson).ToArray<JsonNode?>());
        }
        else
        {
            json["metadata"] = metadata;
        }
        json["source"] = Lines(cell.Source);
        return json;
    }

    private static JsonObject OutputJson(CellOutput output) => output switch
    {
        DisplayOutput d => d.ExecutionCount is { } count
            ? new JsonObject { ["output_type"] = "execute_result", ["data"] = Data(d), ["execution_count"] = count, ["metadata"] = new JsonObject() }
            : new JsonObject { ["output_type"] = "display_data", ["data"] = Data(d), ["metadata"] = new JsonObject() },
        StreamOutput s => new JsonObject { ["output_type"] = "stream", ["name"] = s.Name, ["text"] = Lines(s.Text) },
        ErrorOutput e => new JsonObject
        {
            ["output_type"] = "error", ["ename"] = e.Name, ["evalue"] = e.Message,
            ["traceback"] = new JsonArray(e.Traceback.Select(t => (JsonNode?)t).ToArray()),
        },
        _ => throw new ArgumentException($"Unknown output type {output.GetType().Name}.", nameof(output)),
    };

    private static JsonObject Data(DisplayOutput display)
    {
        var data = new JsonObject();
        foreach (var (mime, text) in display.Data) data[mime] = Lines(text);
        return data;
    }

    // Jupyter stores multi-line text as a list of lines, each but the last ending in "\n".
    private static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        var line = new StringBuilder();
        foreach (char c in text)
        {
            line.Append(c);
            if (c != '\n') continue;
            lines.Add(line.ToString());
            line.Clear();
        }
        if (line.Length > 0) lines.Add(line.ToString());
        return lines;
    }
}
