// With plotly.js inlined (PlotlyJs.Loading = Inline), a notebook must carry the 4.8 MB library once, in an output no
// update replaces, and a live chart's updates must carry only the figure: a 2-epoch Fit that redraws its chart after
// every step stays about one plotly.js plus one figure in size, however many updates it made.
using DeepLearnKit.Cli.Execution;
using DeepLearnKit.Cli.Notebooks;

namespace DeepLearnKit.Cli.Tests.Execution;

[Collection(SessionCollection.Name)]
public class InlinePlotlyTests
{
    private const string PlotlyMarker = "plotly.js v";   // the banner at the top of plotly.min.js

    private static int Count(string text, string part)
    {
        int n = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    [Fact]
    public async Task A_live_fit_with_plotly_inlined_carries_plotly_once_and_updates_carry_only_the_figure()
    {
        using var folder = new TempFolder();
        var session = new NotebookSession(folder.Path);
        var setup = await session.RunAsync("""
            #r "nuget: DeepLearnKit, 0.1.0"
            using DeepLearnKit;
            using DeepLearnKit.Data;
            using DeepLearnKit.NN;
            using DeepLearnKit.Optim;
            using DeepLearnKit.Training;
            using DeepLearnKit.Formatters.Plotly;
            PlotlyJs.ResetInlining();   // a new notebook in this test process
            PlotlyJs.Loading = PlotlyLoading.Inline;
            Rng.Seed(0);
            """);
        Assert.True(setup.Succeeded, string.Join('\n', setup.Outputs));

        // Every version of every display the Fit cell shows, as it was shown (first display and each update).
        var outputs = new OutputList();
        var shown = new List<string>();
        outputs.Changed += list =>
        {
            foreach (var o in list.Snapshot())
                if (o is DisplayOutput d && d.Data.TryGetValue("text/html", out var html) && html.Contains("dlk-plotly", StringComparison.Ordinal))
                    lock (shown) shown.Add(html);
        };
        var fit = await session.RunAsync("""
            var x = Tensor.Randn(64, 4);
            var y = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => (float)(i % 2)).ToArray());
            var model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
            var live = new LiveDisplay(TimeSpan.Zero);
            var history = model.Fit(new DataLoader(new TensorDataset(x, y), 8), Loss.CrossEntropy, new SGD(model.Parameters(), 0.1), epochs: 2, callbacks: [live]);
            Console.WriteLine($"updates: {live.Updates}");
            """, outputs: outputs);
        Assert.True(fit.Succeeded, string.Join('\n', fit.Outputs));

        int plotly = DeepLearnKit.Formatters.Plotly.PlotlyJs.Source.Length;
        int updates = int.Parse(fit.Outputs.OfType<StreamOutput>().Single().Text.Trim()["updates: ".Length..]);
        Assert.True(updates >= 16, $"one update per step: {updates}");
        Assert.True(shown.Count > updates, $"the chart was redrawn {shown.Count} times");
        Assert.All(shown, html => Assert.Equal(0, Count(html, PlotlyMarker)));
        int figure = shown.Max(h => h.Length);
        Assert.True(figure < plotly / 20, $"a chart update is {figure} characters, plotly.js {plotly}");

        // The saved notebook: plotly.js once, in its own output before the chart; its size is plotly.js plus the last figure.
        var cells = new List<NotebookCell> { new(CellKind.Code, "setup") { Outputs = setup.Outputs }, new(CellKind.Code, "fit") { Outputs = fit.Outputs } };
        string path = Path.Combine(folder.Path, "live.ipynb");
        Ipynb.Write(new Notebook(cells), path);
        string saved = File.ReadAllText(path);
        Assert.Equal(1, Count(saved, PlotlyMarker));
        var library = fit.Outputs.OfType<DisplayOutput>().First();
        Assert.Contains(PlotlyMarker, library.Data["text/html"]);
        // The same notebook holding only the library's output, written the same way, is the floor.
        string floorPath = Path.Combine(folder.Path, "library-only.ipynb");
        Ipynb.Write(new Notebook([new(CellKind.Code, "fit") { Outputs = [library] }]), floorPath);
        long size = new FileInfo(path).Length, floor = new FileInfo(floorPath).Length;
        Assert.True(size < floor + 4 * figure + 64 * 1024,
            $"the notebook is {size} bytes, plotly.js alone {floor}; the final figure is {figure} characters, after {updates} updates");
    }
}
