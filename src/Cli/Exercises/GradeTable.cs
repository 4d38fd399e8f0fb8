// The teacher's table: one row per learner's notebook, one column per exercise, each cell "pass" or "not yet" (or why
// there is no verdict), written as aligned text for the console and as CSV (RFC 4180) for a spreadsheet.
using System.Text;

namespace DeepLearnKit.Cli.Exercises;

/// <summary>What one learner's notebook got for one exercise.</summary>
public enum Grade
{
    /// <summary>The checker said right.</summary>
    Pass,
    /// <summary>The checker said not yet.</summary>
    NotYet,
    /// <summary>The checker cell ran but showed no verdict (it failed to compile or threw), or never ran.</summary>
    NoVerdict,
    /// <summary>The notebook has no cells for this exercise.</summary>
    Missing,
}

/// <summary>One learner's row: a grade per exercise, the checkers' reasons, and a note when the notebook could not be run.</summary>
public sealed record LearnerGrades(string Learner, IReadOnlyDictionary<string, Grade> Grades, IReadOnlyDictionary<string, string> Reasons, string? Note = null)
{
    /// <summary>How many exercises passed.</summary>
    public int Passed => Grades.Values.Count(g => g == Grade.Pass);
}

/// <summary>Learners × exercises.</summary>
public sealed record GradeTable(IReadOnlyList<string> Exercises, IReadOnlyList<LearnerGrades> Learners)
{
    /// <summary>How a grade is written: <c>pass</c>, <c>not yet</c>, <c>no verdict</c>, <c>missing</c>.</summary>
    public static string Say(Grade grade) => grade switch
    {
        Grade.Pass => "pass",
        Grade.NotYet => "not yet",
        Grade.NoVerdict => "no verdict",
        _ => "missing",
    };

    private IEnumerable<string[]> Rows()
    {
        yield return ["learner", .. Exercises, "passed"];
        foreach (var l in Learners)
            yield return [l.Learner, .. Exercises.Select(e => Say(l.Grades.GetValueOrDefault(e, Grade.Missing))), $"{l.Passed}/{Exercises.Count}"];
    }

    /// <summary>The table as aligned columns, then the reason of every grade that is not a pass and every note.</summary>
    public string ToText()
    {
        var rows = Rows().ToList();
        int columns = rows[0].Length;
        var widths = Enumerable.Range(0, columns).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows) text.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        foreach (var l in Learners)
        {
            if (l.Note is not null) text.AppendLine($"{l.Learner}: {l.Note}");
            foreach (string e in Exercises)
                if (l.Grades.GetValueOrDefault(e, Grade.Missing) != Grade.Pass && l.Reasons.TryGetValue(e, out string? why))
                    text.AppendLine($"{l.Learner} {e}: {why}");
        }
        return text.ToString();
    }

    /// <summary>The table as CSV: a header <c>learner,&lt;exercise ids&gt;,passed</c> and a row per learner.</summary>
    public string ToCsv()
    {
        var text = new StringBuilder();
        foreach (var row in Rows()) text.Append(string.Join(',', row.Select(Quote))).Append("\r\n");
        return text.ToString();
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\r', '\n']) < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
