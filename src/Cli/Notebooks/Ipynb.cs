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

    /// <summary>
    /// Reads the cells (outputs are not read: a run makes them anew). Malformed JSON, duplicate keys, and a field of the
    /// wrong JSON type or value throw <see cref="NotebookFormatException"/> naming the file and the field.
    /// </summary>
    public static Notebook Read(string path)
    {
        var fields = new IpynbFields(path);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: IpynbFields.Parsing) as JsonObject
                ?? throw fields.Bad("the file is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw fields.Bad($"not valid JSON ({e.Message.TrimEnd('.')}).");
        }
        var nbformat = root["nbformat"];
        if (nbformat is null || nbformat.GetValueKind() != JsonValueKind.Number || !nbformat.AsValue().TryGetValue(out int version))
            throw fields.Bad($"\"nbformat\" is {IpynbFields.Describe(nbformat)}; expected the integer 4.");
        if (version != 4)
            throw fields.Bad($"nbformat {version} is not supported; dlk reads nbformat 4.");
        if (root["cells"] is not JsonArray cellArray)
            throw fields.Bad($"\"cells\" is {IpynbFields.Describe(root["cells"])}; expected a list of cells.");

        var metadata = fields.Object(root["metadata"], "\"metadata\"") ?? [];
        string defaultLanguage = fields.StringAt(metadata, "", "metadata", "polyglot_notebook", "kernelInfo", "defaultKernelName") ?? NotebookCell.CSharp;
        var cells = new List<NotebookCell>();
        foreach (var (node, index) in cellArray.Select((n, i) => (n, i)))
        {
            string at = $"cell {index + 1} ";
            var cell = fields.Object(node, $"cell {index + 1}") ?? throw fields.Bad($"cell {index + 1} is null; expected an object.");
            string source = fields.Text(cell["source"], at + "\"source\"");
            var cellMetadata = (fields.Object(cell["metadata"], at + "\"metadata\"")?.DeepClone() as JsonObject) ?? [];
            CellKind kind = fields.String(cell["cell_type"], at + "\"cell_type\"") switch
            {
                "code" => CellKind.Code,
                "markdown" => CellKind.Markdown,
                "raw" => CellKind.Raw,
                var other => throw fields.Bad($"{at}\"cell_type\" is {IpynbFields.Describe(cell["cell_type"])}; expected \"code\", \"markdown\" or \"raw\"."),
            };
            string language = fields.StringAt(cellMetadata, at, "metadata", "polyglot_notebook", "kernelName")
                ?? fields.StringAt(cellMetadata, at, "metadata", "dotnet_interactive", "language")
                ?? defaultLanguage;
            cells.Add(new NotebookCell(kind, source, language)
            {
                Id = fields.String(cell["id"], at + "\"id\"") ?? Guid.NewGuid().ToString("N")[..12],
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
