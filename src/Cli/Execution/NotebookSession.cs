// One notebook's C# kernel: cells run one after another on Roslyn scripting with shared state, as in the .NET
// Interactive C# kernel. A cell goes in, a list of outputs (console text, displays, the result, an error) comes out.
// The notebook file formats and the book live elsewhere: this class knows cells, not files.
using System.Diagnostics;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using DeepLearnKit.Cli.Notebooks;

namespace DeepLearnKit.Cli.Execution;

/// <summary>How a cell run ended.</summary>
public enum CellStatus
{
    /// <summary>The cell ran to its end.</summary>
    Succeeded,
    /// <summary>It did not compile, threw, or a package could not be restored; the outputs end with the error.</summary>
    Failed,
    /// <summary>It ran past its time limit; the session cannot run more cells.</summary>
    TimedOut,
    /// <summary>It was cancelled (Ctrl-C); the session cannot run more cells.</summary>
    Cancelled,
}

/// <summary>The outcome of one cell: its outputs, how it ended, its execution count and run time.</summary>
public sealed record CellRun(IReadOnlyList<CellOutput> Outputs, CellStatus Status, int ExecutionCount, TimeSpan Elapsed)
{
    /// <summary>True when the cell ran to its end.</summary>
    public bool Succeeded => Status == CellStatus.Succeeded;
}

/// <summary>
/// A C# kernel for one notebook. State (variables, types, usings, references) carries from cell to cell; the globals
/// offer the kernel's <c>display</c>. <c>#i "nuget: …"</c>/<c>#r "nuget: …"</c> restore packages through
/// <see cref="PackageRestorer"/> and run each package's <c>interactive-extensions/dotnet/extension.dib</c>.
/// </summary>
public sealed class NotebookSession : ICellRunner
{
    /// <summary>The namespaces every cell starts with (the kernel's defaults).</summary>
    public static readonly IReadOnlyList<string> DefaultImports =
        ["System", "System.Collections", "System.Collections.Generic", "System.IO", "System.Linq", "System.Text", "System.Threading", "System.Threading.Tasks"];

    private readonly PackageRestorer restorer;
    private readonly KernelGlobals globals;
    private readonly Dictionary<string, PackageRequest> requested = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> sources = [];
    private readonly HashSet<string> loadedPackages = new(StringComparer.OrdinalIgnoreCase);
    private ScriptOptions options;
    private ScriptState<object>? state;
    private OutputList currentOutputs = new();
    private int executionCount;
    private readonly List<string> submitted = [];

    /// <summary>
    /// A session whose relative paths (<c>#r "x.dll"</c>, <c>#i "nuget: ../folder"</c>, files the code opens) start at
    /// <paramref name="workingDirectory"/>, the notebook's folder.
    /// </summary>
    public NotebookSession(string workingDirectory, PackageRestorer? restorer = null)
    {
        WorkingDirectory = Path.GetFullPath(workingDirectory);
        this.restorer = restorer ?? new PackageRestorer();
        globals = new KernelGlobals(() => currentOutputs);
        options = ScriptOptions.Default
            .WithReferences(PlatformReferences().Append(typeof(KernelGlobals).Assembly).Append(typeof(Microsoft.DotNet.Interactive.Formatting.Formatter).Assembly))
            .WithImports(DefaultImports)
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(WorkingDirectory))
            .WithSourceResolver(ScriptSourceResolver.Default.WithBaseDirectory(WorkingDirectory))
            .WithAllowUnsafe(true);
    }

    /// <summary>The folder relative paths start from.</summary>
    public string WorkingDirectory { get; }

    /// <summary>
    /// False after a cell that timed out or was cancelled did not stop within <see cref="InterruptGrace"/>: its code may
    /// still be running, so no more cells run. A cell whose loops saw the interrupt (see <see cref="Interruption"/>)
    /// stops, and the session goes on.
    /// </summary>
    public bool CanRun { get; private set; } = true;

    /// <summary>Nothing to release: the session lives in this process.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>How long an interrupted or timed-out cell may take to stop before the session gives up on it.</summary>
    public static TimeSpan InterruptGrace { get; } = TimeSpan.FromSeconds(3);

    /// <summary>The packages referenced so far, with their resolved versions.</summary>
    public IReadOnlyCollection<string> LoadedPackages => loadedPackages;

    /// <summary>How many cells have run (the last cell's execution count).</summary>
    public int ExecutionCount => executionCount;

    /// <summary>The assemblies cells compile against: the platform's, dlk's globals, and every referenced package's.</summary>
    public IEnumerable<MetadataReference> References => options.MetadataReferences;

    /// <summary>The code (directives taken out) of every cell that compiled, in order: the context completions see.</summary>
    public IReadOnlyList<string> SubmittedCode => submitted;

    /// <summary>
    /// Runs one C# cell and returns its outputs. <paramref name="timeout"/> bounds its run time (null: none); on timeout
    /// or cancellation the outputs end with an error saying so and <see cref="CanRun"/> turns false. Console output
    /// written while the cell runs becomes stream outputs; <paramref name="outputs"/>, when given, receives the outputs
    /// as they appear (for progress). The process's current directory is <see cref="WorkingDirectory"/> while the cell
    /// runs, and is put back afterwards.
    /// </summary>
    public async Task<CellRun> RunAsync(string source, TimeSpan? timeout = null, CancellationToken cancellationToken = default, OutputList? outputs = null)
    {
        if (!CanRun) throw new InvalidOperationException("This session stopped after a cell timed out or was cancelled; start a new one.");
        outputs ??= new OutputList();
        currentOutputs = outputs;
        int count = ++executionCount;
        var clock = Stopwatch.StartNew();
        Interruption.Reset();
        // Relative paths in a cell start at the notebook's folder, as in the kernel; the process runs one cell at a time.
        using var _ = new CurrentDirectory(WorkingDirectory);
        var work = Task.Run(async () =>
        {
            using var capture = ConsoleCapture.Into(outputs);
            try
            {
                return await ExecuteAsync(source, outputs, count, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return CellStatus.Cancelled;
            }
        }, CancellationToken.None);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var limit = Task.Delay(timeout ?? Timeout.InfiniteTimeSpan, stop.Token);
        var first = await Task.WhenAny(work, limit).ConfigureAwait(false);
        CellStatus ended;
        if (first == work)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            var status = await work.ConfigureAwait(false);
            if (status != CellStatus.Cancelled) return new CellRun(outputs.Snapshot(), status, count, clock.Elapsed);
            ended = CellStatus.Cancelled;
        }
        else
        {
            ended = cancellationToken.IsCancellationRequested ? CellStatus.Cancelled : CellStatus.TimedOut;
        }

        // Ask the cell's loops to stop; if it does within the grace period, the session's state is intact.
        Interruption.Request();
        bool stopped = work.IsCompleted || await Task.WhenAny(work, Task.Delay(InterruptGrace, CancellationToken.None)).ConfigureAwait(false) == work;
        if (!stopped) CanRun = false;
        string message = (ended == CellStatus.Cancelled
            ? $"The cell was interrupted after {clock.Elapsed.TotalSeconds:0.0} s."
            : $"The cell did not finish within its time limit of {timeout!.Value.TotalSeconds:0.#} s.")
            + (stopped ? "" : " It did not stop, so this session runs no more cells; restart it.");
        outputs.Add(new ErrorOutput(ended.ToString(), message, [message]));
        return new CellRun(outputs.Snapshot(), ended, count, clock.Elapsed);
    }

    private async Task<CellStatus> ExecuteAsync(string source, OutputList outputs, int count, CancellationToken cancellationToken)
    {
        CellDirectives cell;
        try
        {
            cell = CellDirectives.Parse(source);
            if (cell.Sources.Count > 0 || cell.Packages.Count > 0)
            {
                sources.AddRange(cell.Sources.Except(sources));
                if (cell.Packages.Count > 0 && !await ReferencePackagesAsync(cell.Packages, outputs, cancellationToken).ConfigureAwait(false))
                    return CellStatus.Failed;
            }
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or PackageRestoreException)
        {
            outputs.Add(new ErrorOutput(e.GetType().Name, e.Message, [e.Message]));
            return CellStatus.Failed;
        }
        if (string.IsNullOrWhiteSpace(cell.Code)) return CellStatus.Succeeded;

        var (status, result) = await RunScriptAsync(cell.Code, outputs, cancellationToken).ConfigureAwait(false);
        if (status == CellStatus.Succeeded && result is not null)
            outputs.Add(new DisplayOutput(OutputFormatter.Format(result, []), count));
        return status;
    }

    /// <summary>Compiles and runs <paramref name="code"/> on the session's state; errors become error outputs.</summary>
    private async Task<(CellStatus, object?)> RunScriptAsync(string code, OutputList outputs, CancellationToken cancellationToken)
    {
        try
        {
            state ??= await CSharpScript.RunAsync("", options, globals, typeof(KernelGlobals), cancellationToken).ConfigureAwait(false);
            state = await state.ContinueWithAsync(Interruption.Instrument(code), options, _ => true, cancellationToken).ConfigureAwait(false);
            submitted.Add(code);
        }
        catch (CompilationErrorException e)
        {
            var errors = e.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
            outputs.Add(new ErrorOutput("CompilationError", string.Join('\n', errors), errors));
            return (CellStatus.Failed, null);
        }
        if (state.Exception is OperationCanceledException && Interruption.Requested) return (CellStatus.Cancelled, null);
        if (state.Exception is { } exception)
        {
            var inner = exception is TargetInvocationException { InnerException: { } i } ? i : exception;
            outputs.Add(new ErrorOutput(inner.GetType().FullName ?? inner.GetType().Name, inner.Message,
                inner.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList()));
            return (CellStatus.Failed, null);
        }
        return (CellStatus.Succeeded, state.ReturnValue);
    }

    /// <summary>
    /// Restores everything referenced so far plus <paramref name="packages"/>, references the new assemblies and runs
    /// the new packages' extension scripts (their C# cells) before the cell's own code.
    /// </summary>
    private async Task<bool> ReferencePackagesAsync(IReadOnlyList<PackageRequest> packages, OutputList outputs, CancellationToken cancellationToken)
    {
        foreach (var p in packages) requested[p.Id] = p;
        var restored = restorer.Restore(requested.Values, sources, cancellationToken);
        var added = restored.Where(p => !loadedPackages.Contains(p.Id)).ToList();
        options = options.AddReferences(added.SelectMany(p => p.Assemblies).Distinct().Select(path => MetadataReference.CreateFromFile(path)));
        PackageAssemblyResolver.Register(added.SelectMany(p => p.Assemblies));
        foreach (var p in added) loadedPackages.Add(p.Id);

        var shown = restored.Where(r => packages.Any(p => p.Id.Equals(r.Id, StringComparison.OrdinalIgnoreCase))).ToList();
        string plain = "Installed Packages: " + string.Join(", ", shown.Select(p => $"{p.Id}, {p.Version}"));
        string html = "<div><strong>Installed Packages</strong><ul>" +
            string.Concat(shown.Select(p => $"<li><span>{System.Net.WebUtility.HtmlEncode(p.Id)}, {System.Net.WebUtility.HtmlEncode(p.Version)}</span></li>")) + "</ul></div>";
        outputs.Add(new DisplayOutput(new Dictionary<string, string> { ["text/html"] = html, [OutputFormatter.PlainText] = plain }));

        foreach (var package in added)
        {
            if (package.ExtensionScript is not { } script) continue;
            foreach (var cell in Dib.Read(script).CodeCells)
            {
                if (cell.Language != NotebookCell.CSharp) continue;
                var (status, _) = await RunScriptAsync(CellDirectives.Parse(cell.Source).Code, outputs, cancellationToken).ConfigureAwait(false);
                if (status != CellStatus.Succeeded) return false;
            }
        }
        return true;
    }

    // The framework's assemblies, so cells can use any of them as the kernel's can.
    private static IEnumerable<Assembly> PlatformReferences()
    {
        string[] names = ["System.Runtime", "System.Collections", "System.Console", "System.Linq", "System.Linq.Expressions", "System.Net.Http",
            "System.Numerics.Vectors", "System.Runtime.Numerics", "System.Text.Json", "System.Text.RegularExpressions", "System.Threading",
            "System.Threading.Tasks", "System.IO.Compression", "System.Memory", "Microsoft.CSharp", "System.ComponentModel.Primitives", "netstandard"];
        foreach (string name in names)
        {
            Assembly? assembly = null;
            try { assembly = Assembly.Load(new AssemblyName(name)); }
            catch (FileNotFoundException) { }
            if (assembly is not null) yield return assembly;
        }
    }
}

/// <summary>Moves the process into a folder until disposed, then back (when the previous folder still exists).</summary>
internal sealed class CurrentDirectory : IDisposable
{
    private readonly string? previous;

    public CurrentDirectory(string folder)
    {
        try { previous = Environment.CurrentDirectory; }
        catch (FileNotFoundException) { previous = null; }   // the previous folder was deleted
        Environment.CurrentDirectory = folder;
    }

    public void Dispose()
    {
        if (previous is not null && Directory.Exists(previous)) Environment.CurrentDirectory = previous;
    }
}
