// dlk: run the chapter notebooks headless, build the HTML book, export a chapter as a C# file, check the machine.
using DeepLearnKit.Cli.Commands;
using DeepLearnKit.Cli.Execution;
using DeepLearnKit.Cli.Exercises;
using DeepLearnKit.Cli.Notebooks;

namespace DeepLearnKit.Cli;

/// <summary>The command line: <c>dlk run|book|grade|export|doctor|kernel</c>.</summary>
public static class Program
{
    private const string Usage = """
        dlk: DeepLearnKit's notebook tool

          dlk run NOTEBOOK... [-o DIR] [--timeout SECONDS] [--continue-on-error] [--check-exercises]
              Execute .ipynb/.dib notebooks top to bottom (C# kernel semantics) and write each executed .ipynb into DIR,
              or in place. Destinations are checked first; dlk replaces only the input itself or a notebook it ran
              from a file of the same name. Exit code 1 if a cell failed or a result could not be written where asked
              (it is then kept in a temporary folder, named in the output).
          dlk book NOTEBOOK_DIR -o SITE_DIR [--timeout SECONDS] [--continue-on-error] [--check-exercises]
              Run every notebook in NOTEBOOK_DIR and write an offline HTML book (index + one page per chapter).
          dlk grade NOTEBOOK... [--checkers CHAPTER.ipynb] [--csv FILE] [-o DIR] [--timeout SECONDS]
              Run learners' saved notebooks and print a table of learner x exercise with pass / not yet (and the
              checkers' reasons), written as CSV to FILE. --checkers: use the chapter's own checker cells, not the
              learner's copies. -o: write each executed notebook into DIR as <learner>.ipynb.
          dlk export NOTEBOOK --to cs [-o FILE]
              Write the notebook as a C# file-based app that `dotnet run FILE` executes.
          dlk doctor
              Show what this machine offers: cores, SIMD, ILGPU accelerators, data sets.
          dlk kernel -f CONNECTION_FILE
              Serve a notebook as a Jupyter kernel (what Jupyter starts through the kernelspec).
          dlk kernel install [--user | --sys-prefix | --prefix DIR] [--name NAME]
              Install the kernelspec (default --user) so JupyterLab, Notebook, VS Code and nbclient find the kernel.

        Options: --timeout SECONDS per cell (default 600); --in-process runs the cells in dlk itself instead of a
        `dlk kernel` process (faster to start; a cell that ends its process ends dlk); Ctrl-C stops after writing what ran.
        --check-exercises (for authors): after a chapter ran with its stubs, in the same session, run each solution
        from solutions/<chapter>.csx in place of its answer and the checker again; every checker must say "not yet"
        with the stub and "right" with the solution. Exit code 1 otherwise.
        Exit code 2: bad input (a command line, a notebook file or a destination that cannot be used).
        """;

    /// <summary>Entry point.</summary>
    public static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            Console.Error.WriteLine("Stopping: the running cell is abandoned and what ran is written.");
            cancel.Cancel();
        };
        return await RunWithExitCodeAsync(args, Console.Out, Console.Error, cancel.Token);
    }

    /// <summary>
    /// <see cref="RunAsync"/>, with bad input (a command line, a notebook file or a destination that cannot be used)
    /// reported on <paramref name="progress"/> as <c>dlk: …</c> and exit code 2.
    /// </summary>
    public static async Task<int> RunWithExitCodeAsync(string[] args, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(args, output, progress, cancellationToken);
        }
        catch (Exception e) when (e is CommandLineException or NotebookFormatException or DestinationException or FileNotFoundException or DirectoryNotFoundException)
        {
            progress.WriteLine($"dlk: {e.Message}");
            return 2;
        }
    }

    /// <summary>Runs the command <paramref name="args"/> name, writing results to <paramref name="output"/> and progress to <paramref name="progress"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            output.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        if (args[0] == "kernel") return await KernelAsync(args[1..], output, progress);
        // Paths are made absolute first: running a notebook moves the current directory to the notebook's folder.
        var parsed = CommandLine.Parse(args[1..], valueOptions: ["-o", "--output", "--timeout", "--to", "--checkers", "--csv"],
            flags: ["--continue-on-error", "--check-exercises", "--in-process"]);
        var timeout = parsed.Seconds("--timeout") ?? TimeSpan.FromSeconds(600);
        var selfTests = new List<ExerciseSelfTestReport>();
        var runOptions = new RunOptions(
            timeout,
            parsed.Flags.Contains("--continue-on-error"),
            progress,
            parsed.Flags.Contains("--in-process"),
            AfterRun: parsed.Flags.Contains("--check-exercises") ? async (session, run, path, cancel) =>
            {
                var report = await ExerciseSelfTest.CheckAsync(session, run.Notebook, path, timeout, cancel);
                selfTests.Add(report);
                output.WriteLine(report);
            } : null);
        string? outputPath = (parsed.Value("-o") ?? parsed.Value("--output")) is { } o ? Path.GetFullPath(o) : null;
        // A chapter whose exercises failed their self-test fails the command, as a failed cell does.
        int WithSelfTests(int code) => code == 0 && selfTests.Any(r => !r.Ok) ? 1 : code;
        switch (args[0])
        {
            case "run":
                if (parsed.Positional.Count == 0) throw new CommandLineException("run: name at least one notebook.");
                foreach (string p in parsed.Positional) if (!File.Exists(p)) throw new FileNotFoundException($"run: notebook '{p}' does not exist.", p);
                return WithSelfTests(await RunCommand.RunAsync(parsed.Positional, outputPath, runOptions, output, cancellationToken));
            case "book":
                if (parsed.Positional.Count != 1 || outputPath is null) throw new CommandLineException("book: usage is dlk book NOTEBOOK_DIR -o SITE_DIR.");
                return WithSelfTests(await BookCommand.RunAsync(parsed.Positional[0], outputPath, runOptions, output, cancellationToken));
            case "grade":
                if (parsed.Positional.Count == 0) throw new CommandLineException("grade: name at least one learner's notebook.");
                foreach (string p in parsed.Positional) if (!File.Exists(p)) throw new FileNotFoundException($"grade: notebook '{p}' does not exist.", p);
                string? checkers = parsed.Value("--checkers") is { } c ? Path.GetFullPath(c) : null;
                if (checkers is not null && !File.Exists(checkers)) throw new FileNotFoundException($"grade: --checkers notebook '{checkers}' does not exist.", checkers);
                string? csv = parsed.Value("--csv") is { } f ? Path.GetFullPath(f) : null;
                return await GradeCommand.RunAsync(parsed.Positional, checkers, csv, runOptions with { Progress = null }, output, cancellationToken, outputPath);
            case "export":
                if (parsed.Positional.Count != 1) throw new CommandLineException("export: name one notebook.");
                if (parsed.Value("--to") is not "cs") throw new CommandLineException("export: the only target is --to cs.");
                return ExportCommand.Run(parsed.Positional[0], outputPath, output);
            case "doctor":
                return DoctorCommand.Run(output);
            default:
                throw new CommandLineException($"unknown command '{args[0]}'. Run dlk --help.");
        }
    }

    private static async Task<int> KernelAsync(string[] args, TextWriter output, TextWriter log)
    {
        if (args.Length > 0 && args[0] == "install")
        {
            var install = CommandLine.Parse(args[1..], valueOptions: ["--prefix", "--name"], flags: ["--user", "--sys-prefix"]);
            if (install.Positional.Count > 0) throw new CommandLineException("kernel install: unexpected argument; see dlk --help.");
            string? prefix = install.Value("--prefix") is { } p ? Path.GetFullPath(p)
                : install.Flags.Contains("--sys-prefix") ? SysPrefix()
                : null;
            KernelCommand.Install(prefix, install.Value("--name") ?? KernelCommand.Name, output);
            return 0;
        }
        var serve = CommandLine.Parse(args, valueOptions: ["-f"], flags: []);
        if (serve.Value("-f") is not { } connection) throw new CommandLineException("kernel: usage is dlk kernel -f CONNECTION_FILE, or dlk kernel install.");
        if (!File.Exists(connection)) throw new FileNotFoundException($"kernel: connection file '{connection}' does not exist.", connection);
        return await KernelCommand.ServeAsync(connection, log);
    }

    // Where the Python that runs Jupyter keeps its data: its sys.prefix (a virtual environment's, or /usr).
    private static string SysPrefix()
    {
        foreach (string python in new[] { "python3", "python" })
        {
            try
            {
                var start = new System.Diagnostics.ProcessStartInfo(python, ["-c", "import sys; print(sys.prefix)"]) { RedirectStandardOutput = true, UseShellExecute = false };
                using var process = System.Diagnostics.Process.Start(start)!;
                string prefix = process.StandardOutput.ReadToEnd().Trim();
                process.WaitForExit();
                if (process.ExitCode == 0 && prefix.Length > 0) return prefix;
            }
            catch (System.ComponentModel.Win32Exception) { }
        }
        throw new CommandLineException("kernel install --sys-prefix: no python3 on PATH to ask for sys.prefix; use --prefix DIR.");
    }
}

/// <summary>A command line that cannot be understood; the message says why.</summary>
public sealed class CommandLineException(string message) : Exception(message);

/// <summary>Positional arguments, options with values, and flags.</summary>
internal sealed record CommandLine(IReadOnlyList<string> Positional, IReadOnlyDictionary<string, string> Values, IReadOnlySet<string> Flags)
{
    /// <summary>Splits <paramref name="args"/>; positional arguments (files, folders) come back as absolute paths.</summary>
    public static CommandLine Parse(string[] args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags)
    {
        var positional = new List<string>();
        var values = new Dictionary<string, string>();
        var set = new HashSet<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (valueOptions.Contains(a))
            {
                if (i + 1 >= args.Length) throw new CommandLineException($"{a} needs a value.");
                values[a] = args[++i];
            }
            else if (flags.Contains(a)) set.Add(a);
            else if (a.StartsWith('-')) throw new CommandLineException($"unknown option '{a}'. Run dlk --help.");
            else positional.Add(a);
        }
        return new CommandLine(positional.Select(Path.GetFullPath).ToList(), values, set);
    }

    public string? Value(string name) => Values.GetValueOrDefault(name);

    /// <summary>The longest time a timer waits (2³² − 2 ms, about 49 days): the bound on a time option.</summary>
    public const double MaxSeconds = 4_294_967;

    /// <summary>A time option in seconds: a number in (0, <see cref="MaxSeconds"/>]; anything else (NaN, ∞, 1e308) is refused.</summary>
    public TimeSpan? Seconds(string name) => Value(name) is not { } text ? null
        : double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out double v) && v > 0 && v <= MaxSeconds
            ? TimeSpan.FromSeconds(v)
            : throw new CommandLineException($"{name} needs a number of seconds above 0 and at most {MaxSeconds} (about 49 days), got '{text}'.");
}
