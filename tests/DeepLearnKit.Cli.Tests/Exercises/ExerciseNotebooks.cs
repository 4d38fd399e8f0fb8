// Small chapters with graded exercises, written as .ipynb files by the tests: the first cell loads DeepLearnKit, each
// exercise is an answer cell and a checker cell marked in their metadata as the chapters mark them.
using System.Text.Json.Nodes;

namespace DeepLearnKit.Cli.Tests.Exercises;

internal static class ExerciseNotebooks
{
    public const string Setup = """
        #r "nuget: DeepLearnKit, 0.1.0"
        using DeepLearnKit;
        using DeepLearnKit.Formatters;
        """;

    /// <summary>One cell: code (with an exercise mark when <paramref name="exercise"/> is given) or markdown.</summary>
    public sealed record Cell(string Source, string? Exercise = null, string? Role = null, bool Markdown = false);

    public static Cell Code(string source) => new(source);

    public static Cell Markdown(string source) => new(source, Markdown: true);

    public static Cell Answer(string id, string source) => new(source, id, "answer");

    public static Cell Check(string id, string source) => new(source, id, "check");

    /// <summary>nbformat 4 JSON of <paramref name="cells"/>, with the chapters' kernelspec.</summary>
    public static string Ipynb(params Cell[] cells)
    {
        var list = new JsonArray();
        foreach (var c in cells)
        {
            var metadata = new JsonObject();
            if (c.Exercise is not null) metadata["dlk"] = new JsonObject { ["exercise"] = c.Exercise, ["role"] = c.Role };
            var cell = new JsonObject
            {
                ["cell_type"] = c.Markdown ? "markdown" : "code",
                ["id"] = Guid.NewGuid().ToString("N")[..12],
                ["metadata"] = metadata,
                ["source"] = c.Source,
            };
            if (!c.Markdown) { cell["execution_count"] = null; cell["outputs"] = new JsonArray(); }
            list.Add(cell);
        }
        var root = new JsonObject
        {
            ["cells"] = list,
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" } },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        return root.ToJsonString();
    }

    // Exercise 03.1: a function on numbers; 03.2: a tensor function written as a lambda.
    public static readonly Cell SquareAnswer = Answer("03.1", """
        double Square(double x)
        {
            // return x²
            throw new NotImplementedException();
        }
        """);

    public static readonly Cell SquareCheck = Check("03.1", """
        Exercise.Check("03.1", () => Verdict.All(
            Verdict.Close("Square(3)", 3.0 * 3.0, Square(3)),
            Verdict.Close("Square(-0.5)", -0.5 * -0.5, Square(-0.5))))
        """);

    public static readonly Cell ReluAnswer = Answer("03.2", """
        // return max(x, 0) element by element, without calling ReLU()
        Func<Tensor, Tensor> MyRelu = x => throw new NotImplementedException();
        """);

    public static readonly Cell ReluCheck = Check("03.2", """
        var reluInput = Tensor.FromArray([-2f, -0.5f, 0f, 1.5f, 3f]);
        Exercise.Check("03.2", () => Verdict.Close("MyRelu(x)", reluInput.ReLU(), MyRelu(reluInput)))
        """);

    public const string SquareSolution = "double Square(double x) => x * x;";

    public const string ReluSolution = "Func<Tensor, Tensor> MyRelu = x => x.Clamp(0, float.PositiveInfinity);";

    /// <summary>The solutions file of a chapter: a header, then a section per exercise.</summary>
    public static string SolutionsFile(params (string Id, string Source)[] sections) =>
        "// Solutions of the test's chapter: each section replaces its exercise's answer cell.\n" +
        string.Concat(sections.Select(s => $"// exercise {s.Id}\n{s.Source}\n\n"));
}
