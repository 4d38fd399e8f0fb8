// The author's test of a chapter's exercises, in the session the chapter just ran in (no model is trained twice): with
// the stubs every checker must say "not yet"; then each solution is run in place of its answer cell and its checker
// run again, and it must say "right". A checker that accepts the stub or rejects the solution is a problem.
using DeepLearnKit.Cli.Execution;
using DeepLearnKit.Cli.Notebooks;

namespace DeepLearnKit.Cli.Exercises;

/// <summary>One exercise's two verdicts: with the stub and with the solution; <see cref="Problem"/> is null when both are as they must be.</summary>
public sealed record ExerciseCheck(string Id, ReadVerdict? Stub, ReadVerdict? Solution, string? Problem);

/// <summary>A chapter's exercise self-test: every exercise's verdicts, and problems with the chapter's exercises as a whole.</summary>
public sealed record ExerciseSelfTestReport(string Notebook, IReadOnlyList<ExerciseCheck> Exercises, IReadOnlyList<string> Problems)
{
    /// <summary>True when no exercise and nothing else has a problem.</summary>
    public bool Ok => Problems.Count == 0 && Exercises.All(e => e.Problem is null);

    /// <summary>A table of exercise × stub verdict × solution verdict, then each problem on a line of its own.</summary>
    public override string ToString()
    {
        var lines = new List<string> { $"{System.IO.Path.GetFileName(Notebook)}: {Exercises.Count} exercise(s), {(Ok ? "ok" : "PROBLEMS")}" };
        if (Exercises.Count > 0) lines.Add($"  {"exercise",-10}{"stub",-12}{"solution",-12}");
        foreach (var e in Exercises)
            lines.Add($"  {e.Id,-10}{Say(e.Stub),-12}{Say(e.Solution),-12}{(e.Problem is null ? "ok" : "PROBLEM: " + e.Problem)}");
        lines.AddRange(Problems.Select(p => "  PROBLEM: " + p));
        return string.Join('\n', lines);
    }

    private static string Say(ReadVerdict? v) => v is null ? "no verdict" : v.Right ? "right" : "not yet";
}

/// <summary>Runs a chapter's solutions after the chapter ran with its stubs.</summary>
public static class ExerciseSelfTest
{
    /// <summary>
    /// <paramref name="notebook"/> has just run in <paramref name="session"/> as shipped (its checker cells hold their
    /// outputs). Reads each checker's verdict (it must be "not yet"), then for each exercise in order runs its solution
    /// from <see cref="Solutions.FileFor"/> (it replaces the answer: a later definition of the same method, lambda or
    /// type hides the stub) and the checker again (it must say "right"). Also a problem: exercises without a solution,
    /// solutions for exercises the notebook lacks, an id that does not start with the chapter's number, no solutions file.
    /// </summary>
    public static async Task<ExerciseSelfTestReport> CheckAsync(ICellRunner session, Notebook notebook, string notebookPath,
        TimeSpan? cellTimeout, CancellationToken cancellationToken)
    {
        var exercises = ChapterExercises.Find(notebook, notebookPath);
        var problems = new List<string>();
        var results = new List<ExerciseCheck>();
        if (exercises.Count == 0) return new ExerciseSelfTestReport(notebookPath, results, problems);

        string solutionsPath = Solutions.FileFor(notebookPath);
        Solutions? solutions = null;
        if (!File.Exists(solutionsPath)) problems.Add($"no solutions file: expected '{solutionsPath}'.");
        else
        {
            try { solutions = Solutions.Read(solutionsPath); }
            catch (FormatException e) { problems.Add(e.Message); }
        }
        string chapter = new([.. System.IO.Path.GetFileName(notebookPath).TakeWhile(char.IsAsciiDigit)]);
        foreach (var e in exercises.Where(e => chapter.Length > 0 && !e.Id.StartsWith(chapter + ".", StringComparison.Ordinal)))
            problems.Add($"exercise {e.Id} does not carry the chapter's number: ids are \"{chapter}.k\".");
        if (solutions is not null)
            foreach (string extra in solutions.Ids.Where(id => exercises.All(e => e.Id != id)))
                problems.Add($"{solutionsPath} solves exercise {extra}, which the notebook does not have.");

        foreach (var exercise in exercises)
        {
            var stub = VerdictReader.Read(exercise.Id, exercise.Check.Outputs);
            var found = new List<string>();
            if (stub is null && exercise.Check.ExecutionCount is null) found.Add("with the stub the checker cell did not run (a cell before it failed).");
            else if (stub is null) found.Add($"with the stub the checker showed no verdict{Error(exercise.Check.Outputs)}");
            else if (stub.Right) found.Add($"the checker accepts the stub: {stub.Why}");
            ReadVerdict? solved = null;
            string? solution = solutions?.For(exercise.Id);
            if (solution is null) found.Add("no solution to check the checker with.");
            else if (!session.CanRun) found.Add("the session stopped before the solution could run.");
            else
            {
                var answerRun = await session.RunAsync(solution, cellTimeout, cancellationToken).ConfigureAwait(false);
                if (!answerRun.Succeeded) found.Add($"the solution's cell failed{Error(answerRun.Outputs)}");
                else if (session.CanRun)
                {
                    var checkRun = await session.RunAsync(exercise.Check.Source, cellTimeout, cancellationToken).ConfigureAwait(false);
                    solved = VerdictReader.Read(exercise.Id, checkRun.Outputs);
                    if (solved is null) found.Add($"with the solution the checker showed no verdict{Error(checkRun.Outputs)}");
                    else if (!solved.Right) found.Add($"the checker rejects the solution: {solved.Why}");
                }
            }
            string? problem = found.Count == 0 ? null : string.Join(" ", found);
            results.Add(new ExerciseCheck(exercise.Id, stub, solved, problem));
        }
        return new ExerciseSelfTestReport(notebookPath, results, problems);
    }

    private static string Error(IReadOnlyList<CellOutput> outputs) =>
        outputs.OfType<ErrorOutput>().LastOrDefault() is { } error ? $" ({error.Name}: {error.Message})." : ".";
}
