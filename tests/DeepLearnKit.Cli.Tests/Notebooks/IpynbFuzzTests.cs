// A bounded property fuzz of the .ipynb reader: hundreds of seeded mutations of a small notebook (a value anywhere
// replaced by JSON of another type, a key removed or doubled, characters changed or cut). Each either reads as a
// notebook or throws NotebookFormatException naming the file; nothing else.
using System.Text.Json.Nodes;
using DeepLearnKit.Cli.Notebooks;

namespace DeepLearnKit.Cli.Tests.Notebooks;

public class IpynbFuzzTests
{
    private const string Original = """
        {"cells": [
          {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": ["# Title\n", "Some text."]},
          {"cell_type": "code", "id": "c1", "execution_count": 1,
           "metadata": {"dotnet_interactive": {"language": "csharp"}, "polyglot_notebook": {"kernelName": "csharp"}},
           "outputs": [], "source": ["var x = 1;\n", "x + 1"]},
          {"cell_type": "raw", "id": "r1", "metadata": {}, "source": "raw text"}
        ],
         "metadata": {"kernelspec": {"name": ".net-csharp"}, "polyglot_notebook": {"kernelInfo": {"defaultKernelName": "csharp"}}},
         "nbformat": 4, "nbformat_minor": 5}
        """;

    private static readonly JsonNode?[] Replacements =
        [null, true, false, 0, 4, 4.0, -1, 1e308, "", "4", "code", "csharp", new JsonArray(), new JsonArray(1, 2), new JsonArray("a", null), new JsonObject()];

    [Fact]
    public void Every_mutation_of_a_notebook_reads_or_is_refused_by_name()
    {
        using var folder = new TempFolder();
        var random = new Random(1409);
        int read = 0, refused = 0;
        for (int i = 0; i < 400; i++)
        {
            string text = i % 3 == 2 ? MutateText(Original, random) : MutateTree(Original, random);
            string path = folder.File($"mutant-{i}.ipynb", text);
            try
            {
                var notebook = Ipynb.Read(path);
                read++;
                Assert.All(notebook.Cells, c => Assert.NotNull(c.Source));
            }
            catch (NotebookFormatException e)
            {
                refused++;
                Assert.Contains(path, e.Message);
            }
        }
        Assert.True(read > 20 && refused > 100, $"{read} read, {refused} refused");
    }

    /// <summary>The notebook with one value somewhere replaced, one key removed, or one key written twice.</summary>
    private static string MutateTree(string json, Random random)
    {
        var root = JsonNode.Parse(json)!;
        var containers = new List<JsonNode>();
        void Collect(JsonNode node)
        {
            containers.Add(node);
            var children = node is JsonObject o ? o.Select(p => p.Value) : node is JsonArray a ? a : [];
            foreach (var child in children) if (child is JsonObject or JsonArray) Collect(child);
        }
        Collect(root);
        var target = containers[random.Next(containers.Count)];
        var replacement = Replacements[random.Next(Replacements.Length)]?.DeepClone();
        if (target is JsonObject obj && obj.Count > 0)
        {
            var key = obj.Select(p => p.Key).ElementAt(random.Next(obj.Count));
            switch (random.Next(6))
            {
                case 0: obj.Remove(key); break;
                case 1:
                    // Doubling a key needs text: JsonObject keeps keys unique.
                    string marker = "\"__dup__\"";
                    obj["__dup__"] = obj[key]?.DeepClone();
                    return root.ToJsonString().Replace(marker, $"\"{key}\"");
                default: obj[key] = replacement; break;
            }
        }
        else if (target is JsonArray arr && arr.Count > 0) arr[random.Next(arr.Count)] = replacement;
        return root.ToJsonString();
    }

    private const string Punctuation = "{}[]\",:0a \\";

    private static string MutateText(string json, Random random)
    {
        var chars = json.ToCharArray().ToList();
        int at = random.Next(chars.Count);
        switch (random.Next(3))
        {
            case 0: chars[at] = Punctuation[random.Next(Punctuation.Length)]; break;
            case 1: chars.RemoveRange(at, chars.Count - at); break;
            default: chars.Insert(at, Punctuation[random.Next(Punctuation.Length)]); break;
        }
        return new string(chars.ToArray());
    }
}
