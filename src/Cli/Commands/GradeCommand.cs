// `dlk grade NOTEBOOK... [--checkers CHAPTER] [--csv FILE]`: a teacher runs the learners' saved notebooks and gets a
// table of learner × exercise with pass / not yet, on the console and as CSV.
using DeepLearnKit.Cli.Execution;
using DeepLearnKit.Cli.Exercises;
using DeepLearnKit.Cli.Notebooks;
using DeepLearnKit.IO;

namespace DeepLearnKit.Cli.Commands;

/// <summary>Grades learners' notebooks by running them and reading their checker cells' verdicts.</summary>
public static class GradeCommand
{
    /// <summary>
    /// Runs each notebook in a kernel of its own (later cells run after a failed one, so one broken answer does not cost
    /// the others) and reads each exercise's verdict from its checker cell. With <paramref name="checkersFrom"/> (the
    /// chapter as shipped), the learner's checker cells are replaced by the chapter's, so an edited checker grades
    /// nothing, and the columns are the chapter's exercises. A notebook that cannot be read gets a row with a note.
    /// Prints the table and writes <paramref name="csvPath"/> when given, and each executed notebook (its outputs show a
    /// teacher what failed) as <c>&lt;learner&gt;.ipynb</c> into <paramref name="executedFolder"/> when given. Returns 0,
    /// or 130 when cancelled.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> notebooks, string? checkersFrom, string? csvPath, RunOptions options,
        TextWriter console, CancellationToken cancellationToken, string? executedFolder = null)
    {
        Dictionary<string, string>? checkers = null;
        List<string> exercises = [];
        if (checkersFrom is not null)
        {
            var chapter = ChapterExercises.Find(Notebook.Load(checkersFrom), checkersFrom);
            if (chapter.Count == 0) throw new CommandLineException($"grade: --checkers '{checkersFrom}' has no exercise cells.");
            checkers = chapter.ToDictionary(e => e.Id, e => e.Check.Source);
            exercises.AddRange(chapter.Select(e => e.Id));
        }
        if (csvPath is not null) Destinations.CheckFolder("grade", Path.GetDirectoryName(csvPath)!);
        var names = LearnerNames(notebooks);
        if (executedFolder is not null)
        {
            // The learner's own file is never replaced: the executed copy may hold the chapter's checkers instead of theirs.
            var writes = names.Select(n => (Input: Path.GetFullPath(n.Key), Target: Path.Combine(executedFolder, n.Value + ".ipynb"))).ToList();
            if (writes.FirstOrDefault(w => w.Input == w.Target) is { Input: not null } same)
                throw new DestinationException($"grade: -o would write the executed notebook over the learner's own '{same.Input}'; name another folder.");
            foreach (string folder in writes.Select(w => Path.GetDirectoryName(w.Target)!).Distinct()) Destinations.CheckFolder("grade", folder);
            Destinations.CheckTargets("grade", writes);
        }

        var learners = new List<LearnerGrades>();
        foreach (string path in notebooks)
        {
            if (cancellationToken.IsCancellationRequested) return 130;
            string? executed = executedFolder is null ? null : Path.Combine(executedFolder, names[path] + ".ipynb");
            var grades = await GradeOneAsync(path, names[path], checkers, options with { ContinueOnError = true }, cancellationToken, executed).ConfigureAwait(false);
            foreach (string id in grades.Grades.Keys) if (checkers is null && !exercises.Contains(id)) exercises.Add(id);
            learners.Add(grades);
            console.WriteLine($"{path}: {grades.Passed} passed{(grades.Note is null ? "" : $" ({grades.Note})")}");
        }
        var table = new GradeTable(exercises, learners);
        console.WriteLine();
        console.Write(table.ToText());
        if (csvPath is not null)
        {
            AtomicFile.WriteAllText(csvPath, table.ToCsv());
            console.WriteLine($"Grades: {csvPath}");
        }
        return cancellationToken.IsCancellationRequested ? 130 : 0;
    }

    /// <summary>Runs one learner's notebook and reads its verdicts; writes the executed notebook to <paramref name="executedPath"/> when given.</summary>
    public static async Task<LearnerGrades> GradeOneAsync(string path, string learner, IReadOnlyDictionary<string, string>? checkers,
        RunOptions options, CancellationToken cancellationToken, string? executedPath = null)
    {
        Notebook notebook;
        IReadOnlyList<ChapterExercise> exercises;
        try
        {
            notebook = Notebook.Load(path);
            if (checkers is not null) notebook = NotebookEdits.Replace(notebook, path, ChapterExercises.CheckRole, id => checkers.GetValueOrDefault(id));
            exercises = ChapterExercises.Find(notebook, path);
        }
        catch (NotebookFormatException e)
        {
            return new LearnerGrades(learner, new Dictionary<string, Grade>(), new Dictionary<string, string>(), $"not graded: {e.Message}");
        }
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string? note = null;
        try
        {
            var run = await NotebookRunner.RunAsync(notebook, folder, options, Path.GetFileName(path), cancellationToken).ConfigureAwait(false);
            if (run.Stopped) note = "the run stopped early (a cell timed out or ended its kernel); exercises after it have no verdict";
            if (executedPath is not null)
            {
                Destinations.MarkExecutedFrom(run.Notebook, path);
                var (_, problem) = Destinations.WriteOrKeep(run.Notebook, executedPath);
                if (problem is not null) note = (note is null ? "" : note + "; ") + $"could not write '{executedPath}': {problem}";
            }
        }
        catch (InvalidOperationException e)
        {
            note = $"not run: {e.Message.Split('\n')[0]}";
        }
        var grades = new Dictionary<string, Grade>();
        var reasons = new Dictionary<string, string>();
        foreach (var exercise in exercises)
        {
            var verdict = VerdictReader.Read(exercise.Id, exercise.Check.Outputs);
            grades[exercise.Id] = verdict is null ? Grade.NoVerdict : verdict.Right ? Grade.Pass : Grade.NotYet;
            reasons[exercise.Id] = verdict?.Why ?? (exercise.Check.Outputs.OfType<ErrorOutput>().LastOrDefault() is { } error
                ? $"the checker cell failed: {error.Name}: {error.Message.Split('\n')[0]}"
                : exercise.Check.ExecutionCount is null ? "the checker cell did not run" : "the checker cell showed no verdict");
        }
        if (checkers is not null)
            foreach (string id in checkers.Keys.Where(id => !grades.ContainsKey(id)))
            {
                grades[id] = Grade.Missing;
                reasons[id] = "the notebook has no answer and checker cells for this exercise";
            }
        return new LearnerGrades(learner, grades, reasons, note);
    }

    /// <summary>
    /// Each notebook's name in the table: its path below the folder all of them share, without the extension
    /// (<c>alice/03-losses</c>, <c>bob/03-losses</c>), or its file name when that alone tells them apart.
    /// </summary>
    public static Dictionary<string, string> LearnerNames(IReadOnlyList<string> paths)
    {
        var full = paths.Distinct().Select(Path.GetFullPath).ToList();
        var byFile = full.ToDictionary(p => p, p => Path.GetFileNameWithoutExtension(p));
        if (byFile.Values.Distinct().Count() == full.Count) return paths.Distinct().ToDictionary(p => p, p => byFile[Path.GetFullPath(p)]);
        string common = Path.GetDirectoryName(full[0])!;
        while (!full.All(p => p.StartsWith(common.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            common = Path.GetDirectoryName(common) ?? "";
        return paths.Distinct().ToDictionary(p => p, p =>
        {
            string relative = Path.GetRelativePath(common, Path.GetFullPath(p));
            return Path.ChangeExtension(relative, null).Replace(Path.DirectorySeparatorChar, '/');
        });
    }
}
