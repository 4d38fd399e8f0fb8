// Typed reads of an .ipynb file's JSON: a value of the wrong JSON type is a NotebookFormatException that names the
// file and the field, never an InvalidOperationException from deep inside System.Text.Json.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeepLearnKit.Cli.Notebooks;

/// <summary>Reads fields of one notebook file; <c>where</c> is how a message locates the field (<c>cell 3 "source"</c>).</summary>
internal sealed class IpynbFields(string path)
{
    /// <summary>Duplicate keys are refused at parse time: which of two values a reader keeps is anybody's guess.</summary>
    public static readonly JsonDocumentOptions Parsing = new() { AllowDuplicateProperties = false };

    public NotebookFormatException Bad(string problem) => new(path, problem);

    /// <summary>The object at <paramref name="node"/>, or null when it is absent or JSON null.</summary>
    public JsonObject? Object(JsonNode? node, string where) => node switch
    {
        null => null,
        JsonObject o => o,
        _ => throw WrongType(node, where, "an object"),
    };

    /// <summary>The string at <paramref name="node"/>, or null when it is absent or JSON null.</summary>
    public string? String(JsonNode? node, string where) =>
        node is null ? null
        : node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>()
        : throw WrongType(node, where, "a string");

    /// <summary>
    /// The string at <c>name.keys[0].keys[1]…</c>, where <paramref name="node"/> is <paramref name="name"/> and each step
    /// must be an object; null where a step is absent. Messages name the field as <c>prefix"name.key…"</c>.
    /// </summary>
    public string? StringAt(JsonNode? node, string prefix, string name, params string[] keys)
    {
        for (int k = 0; k < keys.Length && node is not null; k++)
            node = Object(node, Field(prefix, [name, .. keys[..k]]))?[keys[k]];
        return String(node, Field(prefix, [name, .. keys]));
    }

    /// <summary>A cell's text: a string, or a list of strings to join (how Jupyter stores lines).</summary>
    public string Text(JsonNode? node, string where) => node switch
    {
        JsonArray parts => string.Concat(parts.Select((p, i) => p is not null && p.GetValueKind() == JsonValueKind.String
            ? p.GetValue<string>()
            : throw WrongType(p, $"{where} line {i + 1}", "a string"))),
        JsonValue text when text.GetValueKind() == JsonValueKind.String => text.GetValue<string>(),
        _ => throw WrongType(node, where, "a string or a list of strings"),
    };

    private static string Field(string prefix, string[] path) => $"{prefix}\"{string.Join('.', path)}\"";

    private NotebookFormatException WrongType(JsonNode? node, string where, string expected) =>
        Bad($"{where} is {Describe(node)}; expected {expected}.");

    /// <summary><c>the JSON Number 7</c>, short enough for a message.</summary>
    public static string Describe(JsonNode? node)
    {
        if (node is null) return "missing or null";
        string json = node.ToJsonString();
        return $"the JSON {node.GetValueKind()} {(json.Length > 40 ? json[..40] + "…" : json)}";
    }
}
