// Graded exercises from dlk's side: finding a chapter's exercise cells and its solutions, reading a checker's verdict
// back from its outputs, the author's self-test (stubs "not yet", solutions "right", in the session the chapter ran
// in) and the teacher's table. The notebooks are written by the tests; the verdicts come from DeepLearnKit's Exercise.
using DeepLearnKit.Cli.Execution;
using DeepLearnKit.Cli.Exercises;
using DeepLearnKit.Cli.Notebooks;
using DeepLearnKit.Formatters;
using static DeepLearnKit.Cli.Tests.Exercises.ExerciseNotebooks;

namespace DeepLearnKit.Cli.Tests.Exercises;

public class ExerciseHarnessTests
{
    private static Notebook Load(TempFolder folder, params Cell[] cells) => Notebook.Load(folder.File("03-demo.ipynb", Ipynb(cells)));

    [Fact]
    public void Exercises_are_found_by_their_cell_metadata_in_notebook_order()
    {
        using var folder = new TempFolder();
        var notebook = Load(folder, Code(Setup), Markdown("## Exercises"), ReluAnswer, ReluCheck, SquareAnswer, Code("// between"), SquareCheck);
        var exercises = ChapterExercises.Find(notebook, "03-demo.ipynb");
        Assert.Equal(["03.2", "03.1"], exercises.Select(e => e.Id));
        Assert.Same(notebook.Cells[4], exercises[1].Answer);
        Assert.Same(notebook.Cells[6], exercises[1].Check);
    }

    [Theory]
    [InlineData("checker", "exercise 03.1 has a checker cell but no answer cell")]
    [InlineData("answer", "exercise 03.1 has an answer cell but no checker cell")]
    [InlineData("two", "exercise 03.1 has two answer cells (cells 1 and 2)")]
    [InlineData("order", "exercise 03.1's checker (cell 1) comes before its answer (cell 2)")]
    [InlineData("role", "exercise 03.1 has the role 'solution'")]
    public void Exercise_cells_that_do_not_pair_up_are_refused_naming_the_file_and_the_exercise(string kind, string message)
    {
        using var folder = new TempFolder();
        Cell[] cells = kind switch
        {
            "checker" => [SquareCheck],
            "answer" => [SquareAnswer],
            "two" => [SquareAnswer, SquareAnswer, SquareCheck],
            "order" => [SquareCheck, SquareAnswer],
            _ => [new Cell("x", "03.1", "solution")],
        };
        string path = folder.File("03-demo.ipynb", Ipynb(cells));
        var e = Assert.Throws<NotebookFormatException>(() => ChapterExercises.Find(Notebook.Load(path), path));
        Assert.Contains(path, e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Solutions_are_split_at_their_exercise_lines_and_an_id_given_twice_is_refused()
    {
        using var folder = new TempFolder();
        string path = folder.File("solutions/03-demo.csx", SolutionsFile(("03.1", SquareSolution), ("03.2", "// a comment stays\n" + ReluSolution)));
        Assert.Equal(path, Solutions.FileFor(Path.Combine(folder.Path, "03-demo.ipynb")));
        var solutions = Solutions.Read(path);
        Assert.Equal(["03.1", "03.2"], solutions.Ids);
        Assert.Equal(SquareSolution + "\n", solutions.For("03.1"));
        Assert.Equal("// a comment stays\n" + ReluSolution + "\n", solutions.For("03.2"));
        Assert.Null(solutions.For("03.3"));

        string twice = folder.File("solutions/twice.csx", SolutionsFile(("03.1", "a"), ("03.1", "b")));
        Assert.Contains("exercise 03.1 has two sections", Assert.Throws<FormatException>(() => Solutions.Read(twice)).Message);
        string empty = folder.File("solutions/empty.csx", "// exercise 03.1\n\n// exercise 03.2\nx\n");
        Assert.Contains("the solution of exercise 03.1 is empty", Assert.Throws<FormatException>(() => Solutions.Read(empty)).Message);
    }

    [Fact]
    public void A_verdict_is_read_from_its_text_line_or_its_html_box_and_only_for_its_own_exercise()
    {
        var notYet = Exercise.Check("03.1", () => Verdict.Close("y", 9.0, 6.0));
        var right = Exercise.Check("03.2", () => Verdict.Close("y", 9.0, 9.0));
        var both = new DisplayOutput(new Dictionary<string, string> { ["text/plain"] = notYet.ToString(), ["text/html"] = Exercise.ToHtml(notYet) });
        var htmlOnly = new DisplayOutput(new Dictionary<string, string> { ["text/html"] = Exercise.ToHtml(right) });

        var fromText = VerdictReader.Read("03.1", [new StreamOutput("stdout", "[exercise 03.1] right: printed, not a verdict"), both])!;
        Assert.False(fromText.Right);
        Assert.StartsWith("y is off by 3", fromText.Why);
        Assert.Contains("(expected 9, got 6)", fromText.Why);
        var fromHtml = VerdictReader.Read("03.2", [htmlOnly])!;
        Assert.True(fromHtml.Right);
        Assert.StartsWith("y is 9, as expected", fromHtml.Why);
        Assert.Null(VerdictReader.Read("03.2", [both]));
        Assert.Null(VerdictReader.Read("03.1", [new ErrorOutput("CompilationError", "CS0103", [])]));
    }

    [Fact]
    public void The_grade_table_is_aligned_text_with_the_reasons_and_csv_with_quoted_fields()
    {
        var table = new GradeTable(["03.1", "03.2"],
        [
            new("alice", new Dictionary<string, Grade> { ["03.1"] = Grade.Pass, ["03.2"] = Grade.Pass }, new Dictionary<string, string>()),
            new("bob, jr", new Dictionary<string, Grade> { ["03.1"] = Grade.NotYet }, new Dictionary<string, string> { ["03.1"] = "y is off by 3" }, "a note"),
        ]);
        Assert.Equal("learner,03.1,03.2,passed\r\nalice,pass,pass,2/2\r\n\"bob, jr\",not yet,missing,0/2\r\n", table.ToCsv());
        Assert.Equal("""
            learner  03.1     03.2     passed
            alice    pass     pass     2/2
            bob, jr  not yet  missing  0/2
            bob, jr: a note
            bob, jr 03.1: y is off by 3

            """.ReplaceLineEndings(Environment.NewLine), table.ToText());
    }

    [Fact]
    public void Learners_are_named_by_file_or_by_their_path_below_the_shared_folder_when_file_names_repeat()
    {
        Assert.Equal(["alice", "bob"], DeepLearnKit.Cli.Commands.GradeCommand.LearnerNames(["/class/alice.ipynb", "/class/bob.ipynb"]).Values);
        Assert.Equal(["alice/03-losses", "bob/03-losses"],
            DeepLearnKit.Cli.Commands.GradeCommand.LearnerNames(["/class/a/alice/03-losses.ipynb", "/class/a/bob/03-losses.ipynb"]).Values);
    }
}
