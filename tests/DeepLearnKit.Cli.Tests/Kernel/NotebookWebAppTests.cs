// The real Jupyter Notebook web application (Debian's jupyter-notebook 6.4) with `dlk kernel`: chapter 01 opened in
// Debian's headless Chromium, driven by Microsoft.Playwright (system Chromium, no browser download), Run All, and what a
// learner would see checked in the page: the kernel the chapter's metadata names, no error output, the plotly chart
// drawn by plotly.js, the PNG images decoded, a live display updated in place, and no console error.
// The screenshot is kept in the test output's browser/ folder (notebook-01-tensors.png).
using System.Text.Json;
using DeepLearnKit.Cli.Tests.Book;
using DeepLearnKit.Formatters.Plotly;
using DeepLearnKit.Tests.Shared;
using Microsoft.Playwright;

namespace DeepLearnKit.Cli.Tests.Kernel;

[Collection(SessionCollection.Name)]
public class NotebookWebAppTests(InstalledKernel kernel) : IClassFixture<InstalledKernel>
{
    /// <summary>A cell appended to the chapter: the display must end as ONE output showing the updated value.</summary>
    private const string LiveDisplayCell = "var live = display(\"before the update\");\nlive.Update(\"after the update\");";

    // Console errors of the web application itself, not of the kernel or of DeepLearnKit's outputs; each is named with
    // where it comes from, and every other error fails the test.
    private static readonly (string Why, Func<IConsoleMessage, bool> Matches)[] WebAppNoise =
    [
        ("the Notebook asks for ipywidgets' nbextension, which Debian's jupyter-notebook does not ship",
            m => m.Location.Contains("/nbextensions/widgets/") || m.Text.Contains("/nbextensions/widgets/")),
        ("MathJax's HTML-CSS output probes fonts with @font-face src:url('about:blank') (its MathJax_Blank font)",
            m => m.Text.Contains("font at 'about:blank'") || m.Location.StartsWith("about:blank")),
    ];

    [Fact]
    public async Task Chapter_01_runs_in_the_Jupyter_Notebook_web_app_with_its_pictures_and_a_live_display()
    {
        Assert.True(File.Exists(HeadlessChromium.Executable), $"{HeadlessChromium.Executable} is missing: scripts/install-prerequisites.sh installs Debian's chromium.");
        string folder = Directory.CreateDirectory(Path.Combine(kernel.Prefix, "web-notebooks")).FullName;
        File.Copy(Path.Combine(ChapterBookFixture.NotebookFolder, "01-tensors.ipynb"), Path.Combine(folder, "01-tensors.ipynb"));
        using var server = new NotebookServer(kernel, folder);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = HeadlessChromium.Executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } });
        var errors = new List<string>();
        var noise = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type != "error") return;
            if (WebAppNoise.FirstOrDefault(n => n.Matches(m)) is { Why: { } why }) lock (noise) noise.Add($"{m.Text} ({why})");
            else lock (errors) errors.Add($"console.error: {m.Text} @ {m.Location}");
        };
        page.PageError += (_, e) => { lock (errors) errors.Add("uncaught: " + e); };
        // The machine is offline: the chart's loader asks the CDN for plotly.js, as it does for a learner online, and gets
        // the copy DeepLearnKit.Formatters embeds (the same version and file).
        await page.RouteAsync(PlotlyJs.CdnPath + ".js", route => route.FulfillAsync(new() { Body = PlotlyJs.Source, ContentType = "text/javascript" }));

        await page.GotoAsync(server.Url("notebooks/01-tensors.ipynb"));
        await page.WaitForFunctionAsync("() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()",
            null, new() { Timeout = 120_000, PollingInterval = 250 });
        Assert.Equal(".net-csharp", await page.EvaluateAsync<string>("() => Jupyter.notebook.kernel.name"));

        await page.EvaluateAsync("code => Jupyter.notebook.insert_cell_at_bottom('code').set_text(code)", LiveDisplayCell);
        await page.EvaluateAsync("() => Jupyter.notebook.execute_all_cells()");
        try
        {
            await page.WaitForFunctionAsync("""
                () => !Jupyter.notebook.kernel_busy && Jupyter.notebook.get_cells()
                    .filter(c => c.cell_type === 'code').every(c => typeof c.input_prompt_number === 'number')
                """, null, new() { Timeout = 600_000, PollingInterval = 500 });
            // plotly.js replaces each chart's static form once it has loaded.
            await page.WaitForFunctionAsync("""
                () => Array.from(document.querySelectorAll('.output_area .dlk-plotly')).every(c => c.querySelector('svg.main-svg'))
                """, null, new() { Timeout = 60_000, PollingInterval = 250 });
        }
        finally
        {
            await Screenshot(page, "notebook-01-tensors.png");
        }

        var seen = await page.EvaluateAsync<JsonElement>("""
            () => {
              const cells = Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code');
              const last = cells[cells.length - 1];
              const images = Array.from(document.querySelectorAll('.output_area img[src^="data:image/png"]'));
              const charts = Array.from(document.querySelectorAll('.output_area .dlk-plotly'));
              return {
                kernel: Jupyter.notebook.kernel.name,
                errorOutputs: cells.flatMap(c => c.output_area.outputs).filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue),
                errorElements: document.querySelectorAll('.output_area .output_error').length,
                charts: charts.length,
                drawn: charts.filter(c => c.querySelector('svg.main-svg') && !c.querySelector('svg.dlk-static')).length,
                pngs: images.length,
                decoded: images.filter(i => i.complete && i.naturalWidth > 0).length,
                lastOutputs: last.output_area.outputs.map(o => (o.data || {})['text/plain'] || o.text || o.output_type),
                lastShown: Array.from(last.element[0].querySelectorAll('.output_area')).map(o => o.innerText.trim()),
              };
            }
            """);

        Assert.True(seen.GetProperty("errorOutputs").GetArrayLength() == 0, "error outputs: " + seen.GetProperty("errorOutputs"));
        Assert.Equal(0, seen.GetProperty("errorElements").GetInt32());
        Assert.True(seen.GetProperty("charts").GetInt32() >= 1, "no plotly chart in the outputs");
        Assert.Equal(seen.GetProperty("charts").GetInt32(), seen.GetProperty("drawn").GetInt32());
        Assert.True(seen.GetProperty("pngs").GetInt32() >= 16, $"expected the 16 Fashion-MNIST images, saw {seen.GetProperty("pngs")}");
        Assert.Equal(seen.GetProperty("pngs").GetInt32(), seen.GetProperty("decoded").GetInt32());
        Assert.Equal(["after the update"], seen.GetProperty("lastOutputs").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal(["after the update"], seen.GetProperty("lastShown").EnumerateArray().Select(o => o.GetString()));
        lock (errors) Assert.True(errors.Count == 0, string.Join('\n', errors) + "\nweb app noise left aside:\n" + string.Join('\n', noise));
    }

    /// <summary>The whole notebook (the page scrolls inside #site, so the viewport is grown to its height first).</summary>
    private static async Task Screenshot(IPage page, string name)
    {
        string folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "browser")).FullName;
        int height = await page.EvaluateAsync<int>("() => { const n = document.getElementById('notebook'); return n ? n.scrollHeight + 200 : 900; }");
        await page.SetViewportSizeAsync(1200, Math.Clamp(height, 900, 30_000));
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name), FullPage = true });
    }
}
