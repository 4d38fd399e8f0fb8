// The display surfaces: the kernel extension script from the packed .nupkg run as C# script with a stand-in
// `display`, the kernel path publishing its own display events, and the report page outside a notebook.
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using DeepLearnKit.Data;
using DeepLearnKit.Display;
using DeepLearnKit.Formatters.Surfaces;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using DeepLearnKit.Training;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using static DeepLearnKit.Formatters.Tests.TestSupport;

namespace DeepLearnKit.Formatters.Tests;

/// <summary>The globals a headless runner gives a script: <c>display</c> returning a value with <c>Update</c>.</summary>
public sealed class StandInGlobals
{
    public List<StandInDisplay> Displays { get; } = [];

    public StandInDisplay display(object value, params string[] mimeTypes)
    {
        var shown = new StandInDisplay(value);
        Displays.Add(shown);
        return shown;
    }
}

public sealed class StandInDisplay(object value)
{
    public List<object> Values { get; } = [value];

    public void Update(object value) => Values.Add(value);
}

[Collection(StaticStateCollection.Name)]
public sealed class SurfaceTests : IDisposable
{
    public SurfaceTests() => ResetStaticState();

    public void Dispose()
    {
        ResetStaticState();
        KernelInvocationContext.Current = null;
    }

    private static string PackagePath()
    {
        var version = typeof(DeepLearnKitFormatters).Assembly.GetName().Version!;
        var path = Path.Combine(RepositoryRoot(), "artifacts", "packages", $"DeepLearnKit.{version.Major}.{version.Minor}.{version.Build}.nupkg");
        Assert.True(File.Exists(path), $"{path} was not written by the build.");
        return path;
    }

    [Fact]
    public void The_package_carries_both_assemblies_the_extension_and_the_engines_dependencies()
    {
        using var package = ZipFile.OpenRead(PackagePath());
        var names = package.Entries.Select(e => e.FullName).ToHashSet();
        foreach (var expected in new[] { "lib/net8.0/DeepLearnKit.dll", "lib/net8.0/DeepLearnKit.Formatters.dll", "lib/net8.0/DeepLearnKit.xml",
                                         "lib/net8.0/DeepLearnKit.Formatters.xml", "interactive-extensions/dotnet/extension.dib", "README.md" })
            Assert.Contains(expected, names);
        Assert.DoesNotContain(names, n => n.EndsWith("plotly.min.js", StringComparison.Ordinal));   // embedded in the dll, not loose
        using var nuspecStream = package.GetEntry("DeepLearnKit.nuspec")!.Open();
        var nuspec = XDocument.Load(nuspecStream);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal("DeepLearnKit", metadata.Element(ns + "id")!.Value);
        Assert.Equal("0.1.0", metadata.Element(ns + "version")!.Value);
        var dependencies = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToList();
        // The engine travels inside the package, so each package the engine references must be a dependency of it.
        var engine = XDocument.Load(Path.Combine(RepositoryRoot(), "src", "DeepLearnKit", "DeepLearnKit.csproj"));
        var engineReferences = engine.Descendants("PackageReference").Select(r => r.Attribute("Include")!.Value).ToList();
        Assert.Contains("StbImageSharp", engineReferences);
        Assert.Equal(engineReferences.Append("Microsoft.DotNet.Interactive.Formatting").Order(StringComparer.Ordinal), dependencies.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(dependencies, d => d.StartsWith("DeepLearnKit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_packed_extension_registers_the_formatters_and_installs_a_live_surface()
    {
        string dib;
        using (var package = ZipFile.OpenRead(PackagePath()))
        using (var reader = new StreamReader(package.GetEntry("interactive-extensions/dotnet/extension.dib")!.Open()))
            dib = reader.ReadToEnd();
        var cell = Regex.Match(dib, @"^#!csharp\s*\n(.*?)(?=^#!|\z)", RegexOptions.Singleline | RegexOptions.Multiline).Groups[1].Value;
        Assert.False(string.IsNullOrWhiteSpace(cell), "extension.dib has no C# cell");
        Assert.False(DeepLearnKitFormatters.IsRegistered);

        var globals = new StandInGlobals();
        var options = ScriptOptions.Default.AddReferences(typeof(DeepLearnKitFormatters).Assembly, typeof(Tensor).Assembly);
        await CSharpScript.RunAsync(cell, options, globals, typeof(StandInGlobals));

        Assert.True(DeepLearnKitFormatters.IsRegistered);
        Assert.Contains("Tensor [3] · float32 · cpu", Tensor.Arange(3).ToDisplayString("text/html"));
        var surface = Assert.IsType<NotebookDisplaySurface>(DisplaySurface.Current);
        var history = new History();
        var handle = surface.Display(history);
        handle.Update(history);
        var shown = Assert.Single(globals.Displays);
        Assert.Equal(new object[] { history, history }, shown.Values);
    }

    [Fact]
    public void Fit_redraws_its_history_through_the_stand_in_display()
    {
        var globals = new StandInGlobals();
        KernelExtension.Load(x => globals.display(x));
        var model = new Linear(2, 1);
        var data = new TensorDataset(Tensor.Randn(8, 2), Tensor.Randn(8, 1));
        var history = model.Fit(new DataLoader(data, 4), Loss.MSE, new SGD(model.Parameters(), 0.1), epochs: 2);
        var shown = Assert.Single(globals.Displays);
        Assert.Same(history, shown.Values[0]);
        Assert.True(shown.Values.Count >= 3, $"expected the epoch ends and the end of training to redraw, got {shown.Values.Count - 1} updates");
    }

    [Fact]
    public void Inside_the_kernel_the_surface_publishes_one_display_id_and_updates_it()
    {
        var context = new KernelInvocationContext();
        KernelInvocationContext.Current = context;
        var globals = new StandInGlobals();
        KernelExtension.Load(x => globals.display(x));

        var handle = DisplaySurface.Current!.Display(Tensor.Arange(3));
        handle.Update(Tensor.Arange(5));

        Assert.Empty(globals.Displays);   // the kernel path does not go through display()
        var produced = Assert.IsType<DisplayedValueProduced>(context.Published[0]);
        var updated = Assert.IsType<DisplayedValueUpdated>(context.Published[1]);
        Assert.False(string.IsNullOrEmpty(produced.ValueId));
        Assert.Equal(produced.ValueId, updated.ValueId);
        Assert.Same(context.Command, produced.Command);
        Assert.Equal(new[] { "text/html", "text/plain" }, produced.FormattedValues.Select(f => f.MimeType));
        Assert.Contains("Tensor [3]", produced.FormattedValues.First().Value);
        Assert.Contains("Tensor [5]", updated.FormattedValues.First().Value);
    }

    [Fact]
    public void Outside_a_notebook_show_writes_a_self_contained_report_page_and_updates_entries_in_place()
    {
        var folder = Path.Combine(Path.GetTempPath(), "dlk-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(folder, "run-pictures.html");
            var page = Picture.UseReportPage(path);
            var first = Picture.Show(Tensor.Arange(4));
            Picture.Show(Metrics.RocCurve([0.9f, 0.1f], [1f, 0]));
            Assert.Same(page, DisplaySurface.Current);
            first.Update(Tensor.Arange(7));

            var html = File.ReadAllText(path);
            Assert.Equal(2, page.Count);
            Assert.Equal(2, Regex.Matches(html, "<section class=\"dlk-entry\"").Count);
            Assert.Contains("Tensor [7]", html);
            Assert.DoesNotContain("Tensor [4]", html);
            Assert.Single(Regex.Matches(html, @"plotly\.js v" + Regex.Escape(Plotly.PlotlyJs.Version)));   // inlined once
            Assert.False(File.Exists(path + ".tmp"));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Show_without_a_surface_installs_a_report_page_in_the_current_folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "dlk-show-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = folder;
            Picture.Show(Tensor.Arange(3));
            var page = Assert.IsType<ReportPageSurface>(DisplaySurface.Current);
            Assert.Equal(folder, Path.GetDirectoryName(page.Path));
            Assert.EndsWith("-pictures.html", page.Path);
            Assert.Contains("Tensor [3]", File.ReadAllText(page.Path));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_embedded_plotly_is_the_version_package_json_pins()
    {
        var packageJson = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Formatters", "package.json"));
        Assert.Contains($"\"plotly.js-dist-min\": \"{Plotly.PlotlyJs.Version}\"", packageJson);
        Assert.Contains($"plotly.js v{Plotly.PlotlyJs.Version}", Plotly.PlotlyJs.Source[..200]);
    }
}
