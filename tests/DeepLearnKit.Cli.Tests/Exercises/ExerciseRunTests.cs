// The exercise self-test and dlk grade, run as a user runs them: through dlk's command line, each notebook in a dlk
// kernel process that loads DeepLearnKit from the package feed.
using System.Text.Json.Nodes;
using DeepLearnKit.Cli.Exercises;
using DeepLearnKit.Cli.Notebooks;
using static DeepLearnKit.Cli.Tests.Exercises.ExerciseNotebooks;

namespace DeepLearnKit.Cli.Tests.Exercises;

[Collection(SessionCollection.Name)]
public class ExerciseRunTests
{
    private static async Task<(int Exit, string Output)> Dlk(params string[] args)
    {
        var output = new StringWriter();
        int exit = await Program.RunWithExitCodeAsync(args, output, output, CancellationToken.None);
        return (exit, output.ToString());
    }

    private static IEnumerable<string> CheckerTexts(string executedNotebook) =>
        JsonNode.Parse(File.ReadAllText(executedNotebook))!["cells"]!.AsArray()
            .Where(c => c!["metadata"]?["dlk"]?["role"]?.GetValue<string>() == "check")
            .SelectMany(c => c!["outputs"]!.AsArray().Where(o => o!["output_type"]!.GetValue<string>() == "execute_result"))
            .Select(o => o!["data"]!["text/plain"]!.ToString());

    [Fact]
    public async Task With_check_exercises_the_stubs_say_not_yet_the_solutions_right_and_the_notebook_keeps_the_learners_version()
    {
        using var folder = new TempFolder();
        // 03.3's answer is a class (as a learner's optimizer is): the solution's class of the same name hides the stub's.
        var classAnswer = Answer("03.3", """
            class Doubler
            {
                // return 2·x
                public double Apply(double x) => throw new NotImplementedException();
            }
            """);
        var classCheck = Check("03.3", "Exercise.Check(\"03.3\", () => Verdict.Close(\"new Doubler().Apply(4)\", 2 * 4.0, new Doubler().Apply(4)))");
        string chapter = folder.File("03-demo.ipynb", Ipynb(Code(Setup), Markdown("## Exercises"), SquareAnswer, SquareCheck, ReluAnswer, ReluCheck, classAnswer, classCheck));
        folder.File("solutions/03-demo.csx", SolutionsFile(("03.1", SquareSolution), ("03.2", ReluSolution),
            ("03.3", "class Doubler\n{\n    public double Apply(double x) => 2 * x;\n}")));
        string executed = Path.Combine(folder.Path, "out");

        var (exit, output) = await Dlk("run", chapter, "-o", executed, "--check-exercises");

        Assert.True(exit == 0, output);
        Assert.Contains("03-demo.ipynb: 3 exercise(s), ok", output);
        Assert.Matches(@"03\.1\s+not yet\s+right\s+ok", output);
        Assert.Matches(@"03\.2\s+not yet\s+right\s+ok", output);
        Assert.Matches(@"03\.3\s+not yet\s+right\s+ok", output);
        var texts = CheckerTexts(Path.Combine(executed, "03-demo.ipynb")).ToList();
        Assert.Equal(3, texts.Count);
        Assert.All(texts, t => Assert.Contains("not yet: the answer is still the stub", t));
    }

    [Fact]
    public async Task A_checker_that_accepts_the_stub_or_rejects_the_solution_and_a_missing_or_stray_solution_fail_the_self_test()
    {
        using var folder = new TempFolder();
        var lenientCheck = Check("03.2", """
            Exercise.Check("03.2", () => { try { MyRelu(Tensor.Zeros(2)); } catch (NotImplementedException) { } return Verdict.Pass("it ran"); })
            """);
        var cubeAnswer = Answer("03.3", "double Cube(double x) => throw new NotImplementedException();");
        var cubeCheck = Check("03.3", "Exercise.Check(\"03.3\", () => Verdict.Close(\"Cube(2)\", 8, Cube(2)))");
        var halfAnswer = Answer("03.4", "double Half(double x) => throw new NotImplementedException();");
        var halfCheck = Check("03.4", "Exercise.Check(\"03.4\", () => Verdict.Close(\"Half(2)\", 1, Half(2)))");
        string chapter = folder.File("03-demo.ipynb", Ipynb(Code(Setup), SquareAnswer, SquareCheck, ReluAnswer, lenientCheck, cubeAnswer, cubeCheck, halfAnswer, halfCheck));
        folder.File("solutions/03-demo.csx", SolutionsFile(("03.1", SquareSolution), ("03.2", ReluSolution), ("03.3", "double Cube(double x) => x * x;"),
            ("03.9", "var nothing = 0;")));

        var (exit, output) = await Dlk("run", chapter, "-o", Path.Combine(folder.Path, "out"), "--check-exercises");

        Assert.True(exit == 1, output);
        Assert.Contains("03-demo.ipynb: 4 exercise(s), PROBLEMS", output);
        Assert.Matches(@"03\.1\s+not yet\s+right\s+ok", output);
        Assert.Matches(@"03\.2\s+right\s+right\s+PROBLEM: the checker accepts the stub: it ran", output);
        Assert.Matches(@"03\.3\s+not yet\s+not yet\s+PROBLEM: the checker rejects the solution: Cube\(2\) is off by 4", output);
        Assert.Matches(@"03\.4\s+not yet\s+no verdict\s+PROBLEM: no solution to check the checker with", output);
        Assert.Contains("solves exercise 03.9, which the notebook does not have", output);
    }

    [Fact]
    public async Task Grade_runs_each_learners_notebook_with_the_chapters_checkers_and_writes_the_table_as_csv()
    {
        using var folder = new TempFolder();
        Cell[] shipped = [Code(Setup), Markdown("## Exercises"), SquareAnswer, SquareCheck, ReluAnswer, ReluCheck];
        string chapter = folder.File("chapter/03-demo.ipynb", Ipynb(shipped));
        var solutions = new Dictionary<string, string> { ["03.1"] = SquareSolution, ["03.2"] = ReluSolution };
        string alicePath = folder.File("class/alice.ipynb", Ipynb(shipped));
        // Alice saved her notebook with both answers written.
        DeepLearnKit.Cli.Notebooks.Ipynb.Write(NotebookEdits.Replace(Notebook.Load(alicePath), alicePath, ChapterExercises.AnswerRole, solutions.GetValueOrDefault), alicePath);
        string bob = folder.File("class/bob.ipynb", Ipynb(shipped));
        // Carol squares wrongly and made her checker accept anything; her second answer does not compile.
        string carol = folder.File("class/carol.ipynb", Ipynb(Code(Setup),
            Answer("03.1", "double Square(double x) => 2 * x;"), Check("03.1", "Exercise.Check(\"03.1\", () => Verdict.Pass(\"trust me\"))"),
            Answer("03.2", "Func<Tensor, Tensor> MyRelu = x => x.NoSuchOp();"), ReluCheck));
        string dave = folder.File("class/dave.ipynb", "{\"cells\": [");
        string csv = Path.Combine(folder.Path, "grades", "03.csv");
        string executed = Path.Combine(folder.Path, "graded");

        var (exit, output) = await Dlk("grade", alicePath, bob, carol, dave, "--checkers", chapter, "--csv", csv, "-o", executed);

        Assert.True(exit == 0, output);
        Assert.Equal("learner,03.1,03.2,passed\r\nalice,pass,pass,2/2\r\nbob,not yet,not yet,0/2\r\ncarol,not yet,no verdict,0/2\r\ndave,missing,missing,0/2\r\n",
            File.ReadAllText(csv));
        Assert.Matches(@"carol\s+not yet\s+no verdict\s+0/2", output);
        Assert.Contains("carol 03.1: Square(3) is off by 3", output);
        Assert.Contains("carol 03.2: the checker cell failed", output);
        Assert.Contains("dave: not graded:", output);
        Assert.Contains("bob 03.1: the answer is still the stub", output);
        // The executed copies show the teacher the outputs, with the chapter's checker in place of Carol's.
        Assert.Contains("Square(3) is off by 3", string.Join('\n', CheckerTexts(Path.Combine(executed, "carol.ipynb"))));
        Assert.Equal(2, CheckerTexts(Path.Combine(executed, "alice.ipynb")).Count(t => t.Contains("] right:")));
        Assert.Contains(Notebook.Load(carol).Cells, c => c.Source.Contains("Verdict.Pass(\"trust me\")"));   // her file is as she saved it
    }

    [Fact]
    public async Task Grade_never_writes_over_a_learners_notebook()
    {
        using var folder = new TempFolder();
        string alice = folder.File("class/alice.ipynb", Ipynb(Code(Setup), SquareAnswer, SquareCheck));
        string before = File.ReadAllText(alice);
        var (exit, output) = await Dlk("grade", alice, "-o", Path.Combine(folder.Path, "class"));
        Assert.Equal(2, exit);
        Assert.Contains("would write the executed notebook over the learner's own", output);
        Assert.Equal(before, File.ReadAllText(alice));
    }
}
