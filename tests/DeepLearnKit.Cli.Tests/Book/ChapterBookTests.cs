// The chapters in notebooks/ are executed as the README's first command does (dlk book): every chapter must run
// without an error output, the executed notebooks must pass Jupyter's validator, and a chapter page must show its
// charts, images and formulas in headless Chromium with no script error. In the same run (dlk book --check-exercises),
// each chapter's graded exercises are checked both ways in the session the chapter ran in: every checker says "not
// yet" to the shipped stub and "right" to the solution. One chapter is also exported as a file-based app and run
// with `dotnet run`.
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DeepLearnKit.Cli.Commands;
using DeepLearnKit.Cli.Execution;
using DeepLearnKit.Cli.Exercises;
using DeepLearnKit.Cli.Notebooks;
using DeepLearnKit.Cli.Tests.Notebooks;
using DeepLearnKit.Tests.Shared;

namespace DeepLearnKit.Cli.Tests.Book;

/// <summary>Builds the book of the repository's chapters once for the tests below.</summary>
public sealed class ChapterBookFixture : IAsyncLifetime
{
    public string Site { get; } = Directory.CreateTempSubdirectory("dlk-book-").FullName;
    public int ExitCode { get; private set; }
    public string Console { get; private set; } = "";

    /// <summary>Each chapter's exercise self-test (stubs, then solutions), by file name.</summary>
    public Dictionary<string, ExerciseSelfTestReport> Exercises { get; } = [];

    public static string RepositoryRoot { get; } = FindRoot();

    public static string NotebookFolder => Path.Combine(RepositoryRoot, "notebooks");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "DeepLearnKit.sln"))) return folder.FullName;
        throw new InvalidOperationException("The tests run outside the repository: no DeepLearnKit.sln above " + AppContext.BaseDirectory);
    }

    public async Task InitializeAsync()
    {
        var output = new StringWriter();
        var timeout = TimeSpan.FromMinutes(5);
        AfterRun checkExercises = async (session, run, path, cancel) =>
            Exercises[Path.GetFileName(path)] = await ExerciseSelfTest.CheckAsync(session, run.Notebook, path, timeout, cancel);
        ExitCode = await BookCommand.RunAsync(NotebookFolder, Site, new RunOptions(timeout, ContinueOnError: true, output, AfterRun: checkExercises),
            output, CancellationToken.None);
        Console = output.ToString();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Site, recursive: true);
        return Task.CompletedTask;
    }
}

[Collection(SessionCollection.Name)]
/// <summary>
/// The book's tests. Each chapter's own claims live in a partial file beside this one
/// (<c>ChapterBookTests.Chapter07.cs</c>, …) and read the executed chapter with <see cref="ExecutedText"/>.
/// </summary>
public partial class ChapterBookTests(ChapterBookFixture book) : IClassFixture<ChapterBookFixture>
{
    private static IEnumerable<string> Chapters => Directory.GetFiles(ChapterBookFixture.NotebookFolder, "*.ipynb").Order();

    [Fact]
    public void Every_chapter_runs_to_its_end_without_an_error_output()
    {
        Assert.True(Chapters.Count() >= 2, "notebooks/ holds the chapters");
        foreach (string chapter in Chapters)
        {
            var executed = JsonNode.Parse(File.ReadAllText(Path.Combine(book.Site, "notebooks", Path.GetFileName(chapter))))!;
            var code = executed["cells"]!.AsArray().Where(c => c!["cell_type"]!.GetValue<string>() == "code").ToList();
            var errors = code.SelectMany(c => c!["outputs"]!.AsArray()).Where(o => o!["output_type"]!.GetValue<string>() == "error")
                .Select(o => $"{o!["ename"]}: {o["evalue"]}").ToList();
            Assert.True(errors.Count == 0, $"{Path.GetFileName(chapter)}:\n{string.Join('\n', errors)}\n{book.Console}");
            Assert.All(code, c => Assert.NotNull(c!["execution_count"]?.GetValue<int>()));
        }
        Assert.Equal(0, book.ExitCode);
    }

    [Fact]
    public void Every_chapters_checkers_say_not_yet_to_its_stubs_and_right_to_its_solutions()
    {
        foreach (string chapter in Chapters.Select(c => Path.GetFileName(c)))
        {
            Assert.True(book.Exercises.TryGetValue(chapter, out ExerciseSelfTestReport? report), $"{chapter}: the session ended before its exercises were checked.\n{book.Console}");
            Assert.True(report!.Ok, report.ToString());
            Assert.All(report.Exercises, e => Assert.True(e.Stub is { Right: false } && e.Solution is { Right: true }, report.ToString()));
        }
    }

    [Fact]
    public void Every_chapter_ends_with_two_to_four_graded_exercises_under_an_Exercises_heading()
    {
        // COURSE.md: 2–4 exercises per chapter, at the end, under a markdown cell "## Exercises" that states each task.
        var missing = new List<string>();
        foreach (string path in Chapters)
        {
            var notebook = Notebook.Load(path);
            var exercises = ChapterExercises.Find(notebook, path);
            string name = Path.GetFileName(path);
            if (exercises.Count is < 2 or > 4) { missing.Add($"{name}: {exercises.Count} exercise(s)"); continue; }
            int heading = notebook.Cells.ToList().FindIndex(c => c.Kind == CellKind.Markdown && c.Source.Split('\n').Any(l => l.TrimEnd() == "## Exercises"));
            int first = notebook.Cells.ToList().IndexOf(exercises[0].Answer);
            if (heading < 0 || heading > first) missing.Add($"{name}: no \"## Exercises\" markdown cell before exercise {exercises[0].Id}");
            string text = string.Join('\n', notebook.Cells.Skip(heading).Where(c => c.Kind == CellKind.Markdown).Select(c => c.Source));
            foreach (var e in exercises.Where(e => !text.Contains(e.Id, StringComparison.Ordinal)))
                missing.Add($"{name}: the exercises' text does not state exercise {e.Id}");
        }
        Assert.True(missing.Count == 0, string.Join('\n', missing));
    }

    [Fact]
    public void The_executed_chapters_pass_jupyters_validator()
    {
        foreach (string chapter in Chapters) NbformatValidator.AssertValid(Path.Combine(book.Site, "notebooks", Path.GetFileName(chapter)));
    }

    [Fact]
    public void The_index_lists_each_chapter_with_its_title_and_run_time()
    {
        string index = File.ReadAllText(Path.Combine(book.Site, "index.html"));
        foreach (string chapter in Chapters)
        {
            string page = Path.GetFileNameWithoutExtension(chapter) + ".html";
            Assert.Matches($"<a href=\"{Regex.Escape(page)}\">[^<]+</a></td><td>\\d+\\.\\d s</td>", index);
            Assert.True(File.Exists(Path.Combine(book.Site, page)));
        }
        Assert.Contains("1. Tensors", index);
    }

    [Fact]
    public void A_chapter_page_shows_its_charts_images_and_formulas_offline_in_chromium()
    {
        string page = Path.Combine(book.Site, "02-backprop.html");
        string html = File.ReadAllText(page);
        Assert.Single(Regex.Matches(html, Regex.Escape("<script>(function(define, exports, module){")));
        Assert.DoesNotContain("<script src=\"http", html);

        var results = HeadlessChromium.Probe(page, "book-02-backprop.png");
        Assert.Equal("[]", results.GetProperty("errors").GetRawText());
        int charts = results.GetProperty("charts").GetInt32();
        Assert.True(charts >= 2, $"the gradient-flow charts: {charts}");
        Assert.Equal(charts, results.GetProperty("drawn").GetInt32());
        Assert.True(results.GetProperty("graphs").GetInt32() >= 1, "the computation graph's SVG");
        Assert.True(results.GetProperty("formulas").GetInt32() >= 5, "KaTeX rendered the formulas");
        Assert.Equal(0, results.GetProperty("widePre").GetInt32());   // long code and output lines wrap: no sideways scrolling

        var tensors = HeadlessChromium.Probe(Path.Combine(book.Site, "01-tensors.html"), "book-01-tensors.png");
        Assert.Equal("[]", tensors.GetProperty("errors").GetRawText());
        Assert.True(tensors.GetProperty("images").GetInt32() >= 1, "the Fashion-MNIST image grid");
        Assert.Equal(tensors.GetProperty("images").GetInt32(), tensors.GetProperty("decoded").GetInt32());
        Assert.Equal(tensors.GetProperty("charts").GetInt32(), tensors.GetProperty("drawn").GetInt32());
        Assert.Equal(0, tensors.GetProperty("widePre").GetInt32());

        var evaluation = HeadlessChromium.Probe(Path.Combine(book.Site, "12-evaluation.html"), "book-12-evaluation.png");
        Assert.Equal("[]", evaluation.GetProperty("errors").GetRawText());
        Assert.Equal(0, evaluation.GetProperty("widePre").GetInt32());
        Assert.True(evaluation.GetProperty("images").GetInt32() >= 20, "the attribution maps and the FGSM grid");
        Assert.Equal(evaluation.GetProperty("images").GetInt32(), evaluation.GetProperty("decoded").GetInt32());
        Assert.Equal(evaluation.GetProperty("charts").GetInt32(), evaluation.GetProperty("drawn").GetInt32());
    }

    [Fact]
    public void With_scripts_off_every_chart_of_every_chapter_page_shows_its_complete_static_form()
    {
        int checkedCharts = 0;
        foreach (string chapter in Chapters)
        {
            string name = Path.GetFileNameWithoutExtension(chapter);
            string page = Path.Combine(book.Site, name + ".html");
            var charts = StaticCharts.Read(HeadlessChromium.StaticDom(page));
            foreach (var chart in charts) StaticCharts.AssertComplete(chart);
            checkedCharts += charts.Count;
            HeadlessChromium.Screenshot(page, $"book-{name}-scripts-off.png", scriptsOff: true);
        }
        Assert.True(checkedCharts >= 3, $"the chapters' charts: {checkedCharts}");
    }

    [Fact]
    public void Chapter_02_names_the_network_each_gradient_flow_chart_shows()
    {
        var charts = StaticCharts.Read(File.ReadAllText(Path.Combine(book.Site, "02-backprop.html")));
        var flows = charts.Where(c => c.Title.StartsWith("Gradient flow", StringComparison.Ordinal)).Select(c => c.Title).ToList();
        Assert.Equal(2, flows.Count);
        Assert.Contains("sigmoid", flows[0]);
        Assert.Contains("ReLU", flows[1]);
    }

    internal static double Number(Match match, int group) =>
        double.Parse(match.Groups[group].Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Chapter_03s_gradient_descent_reaches_the_closed_form_and_keras_fit_gives_its_loops_losses()
    {
        string text = ExecutedText("03-regression.ipynb");
        var gap = Regex.Match(text, @"gradient descent after 300 steps: .*; max \|θ − θ\*\| = ([0-9.E+-]+)");
        Assert.True(gap.Success, text);
        Assert.True(Number(gap, 1) <= 1e-3, $"gradient descent vs the normal equations: {gap.Value}");
        var fit = Regex.Match(text, @"over all 20 epochs: max \|gap\| ([0-9.E+-]+) \(training\), ([0-9.E+-]+) \(validation\)");
        Assert.True(fit.Success, text);
        Assert.True(Number(fit, 1) <= 1e-6 && Number(fit, 2) <= 1e-6, $"Fit(x, y) vs the explicit loop: {fit.Value}");
    }

    [Fact]
    public void Chapter_04s_final_mlp_reaches_the_stated_floor_of_88_percent_test_accuracy()
    {
        var accuracy = Regex.Match(ExecutedText("04-mlp.ipynb"), @"test accuracy: (0\.\d+)");
        Assert.True(accuracy.Success, "chapter 04 prints its test accuracy");
        Assert.True(Number(accuracy, 1) >= 0.88, $"chapter 04's MLP: {accuracy.Value}");
    }

    [Fact]
    public void Every_checker_of_chapters_03_and_04_says_not_yet_for_the_shipped_stubs()
    {
        foreach (var chapter in new[] { "03-regression.ipynb", "04-mlp.ipynb" })
        {
            var executed = JsonNode.Parse(File.ReadAllText(Path.Combine(book.Site, "notebooks", chapter)))!;
            var checks = executed["cells"]!.AsArray().Where(c => c!["metadata"]?["dlk"]?["role"]?.GetValue<string>() == "check").ToList();
            Assert.Equal(3, checks.Count);
            foreach (var cell in checks)
            {
                string id = cell!["metadata"]!["dlk"]!["exercise"]!.GetValue<string>();
                string shown = string.Concat(cell["outputs"]!.AsArray().Select(o => o!["data"]?["text/plain"]).OfType<JsonArray>()
                    .SelectMany(a => a).Select(l => l!.GetValue<string>()));
                Assert.StartsWith($"[exercise {id}] not yet", shown);
            }
        }
    }

    [Fact]
    public void The_book_draws_a_chapters_mermaid_block_as_an_svg_diagram()
    {
        string page = Path.Combine(book.Site, "02-backprop.html");
        Assert.Contains("class=\"mermaid\"", File.ReadAllText(page));
        Assert.True(File.Exists(Path.Combine(book.Site, "assets", "mermaid", "mermaid.min.js")), "mermaid is built into the book, offline");
        var results = HeadlessChromium.Probe(page, "book-02-mermaid.png");
        Assert.Equal("[]", results.GetProperty("errors").GetRawText());
        Assert.Equal(1, results.GetProperty("diagrams").GetInt32());
    }

    [Theory]
    [InlineData("01-tensors.ipynb", "the largest difference from the CPU result is")] // its GPU cell needs dynamic code, which a file-based app turns off by default
    [InlineData("02-backprop.ipynb", "first layer / last layer mean |gradient|")]
    public async Task An_exported_chapter_runs_as_a_file_based_app_and_writes_its_pictures_page(string chapter, string printed)
    {
        using var folder = new TempFolder();
        string app = Path.Combine(folder.Path, Path.GetFileNameWithoutExtension(chapter).Replace('-', '_') + ".cs");
        ExportCommand.Run(Path.Combine(ChapterBookFixture.NotebookFolder, chapter), app, new StringWriter());

        var start = new ProcessStartInfo("dotnet", ["run", app]) { WorkingDirectory = folder.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(limit.Token);
        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains(printed, output);

        string report = Assert.Single(Directory.GetFiles(folder.Path, "*-pictures.html"));
        Assert.Contains(Path.GetFileName(report), output);
        string html = File.ReadAllText(report);
        Assert.Contains("dlk-plotly", html);
        Assert.Contains("<svg", html);
    }

    [Fact]
    public void Chapter_05s_notebook_optimizers_follow_DeepLearnKits_step_for_step_and_its_schedules_their_formulas()
    {
        string text = ExecutedText("05-optimizers.ipynb");
        var match = Regex.Match(text, @"Every notebook optimizer follows DeepLearnKit's within (\S+) \(");
        Assert.True(match.Success, "chapter 05 states how far its optimizers' paths are from DeepLearnKit's:\n" + text);
        double gap = double.Parse(match.Groups[1].Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(gap, 0, 1e-4);
        Assert.Contains("Every schedule matches its formula at every epoch", text);
        Assert.Contains("the model's parameters are exactly as before the test", text);
    }

    [Fact]
    public void Chapter_06s_LeNet_reaches_89_percent_on_the_Fashion_MNIST_test_set()
    {
        string text = ExecutedText("06-cnn.ipynb");
        var match = Regex.Match(text, @"LeNet-5 test accuracy (0\.\d+)");
        Assert.True(match.Success, "chapter 06 prints LeNet-5's test accuracy:\n" + text);
        double accuracy = double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(accuracy >= 0.89, $"LeNet-5's test accuracy is {accuracy}, below the floor of 0.89");
        Assert.Contains("the loops and Conv2d agree", text);
        Assert.Matches(@"test accuracy on the image folder (0\.9\d+|1\.0+) over 400 files", text);
    }

    /// <summary>Every stream and text/plain output of an executed chapter, in order.</summary>
    internal string ExecutedText(string chapter)
    {
        var executed = JsonNode.Parse(File.ReadAllText(Path.Combine(book.Site, "notebooks", chapter)))!;
        static string Joined(JsonNode? source) => source is JsonArray lines ? string.Concat(lines.Select(l => l!.GetValue<string>())) : source?.GetValue<string>() ?? "";
        return string.Join("\n", executed["cells"]!.AsArray()
            .SelectMany(c => c!["outputs"]?.AsArray() ?? [])
            .Select(o => o!["output_type"]!.GetValue<string>() == "stream" ? Joined(o["text"]) : Joined(o["data"]?["text/plain"])));
    }
}
