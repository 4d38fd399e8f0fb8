// Where a chapter's graded exercises are: each one is an answer cell (the learner's stub) followed by a checker cell,
// both marked in their cell metadata as "dlk": {"exercise": "03.1", "role": "answer" | "check"}.
using System.Text.Json.Nodes;
using DeepLearnKit.Cli.Notebooks;

namespace DeepLearnKit.Cli.Exercises;

/// <summary>One graded exercise of a notebook: its id ("03.1"), the learner's answer cell and the checker cell after it.</summary>
public sealed record ChapterExercise(string Id, NotebookCell Answer, NotebookCell Check);

/// <summary>Finds a notebook's exercises by their cell metadata.</summary>
public static class ChapterExercises
{
    /// <summary>The metadata key that marks exercise cells.</summary>
    public const string MetadataKey = "dlk";

    /// <summary>The role of the cell the learner edits.</summary>
    public const string AnswerRole = "answer";

    /// <summary>The role of the cell that ends with <c>Exercise.Check(id, …)</c>.</summary>
    public const string CheckRole = "check";

    /// <summary>
    /// The exercises of <paramref name="notebook"/> in notebook order. Every id has exactly one answer cell and one
    /// checker cell after it; anything else (a role dlk does not know, a second checker, a checker before its answer)
    /// throws <see cref="NotebookFormatException"/> naming <paramref name="path"/>, the exercise and the problem.
    /// </summary>
    public static IReadOnlyList<ChapterExercise> Find(Notebook notebook, string path)
    {
        var answers = new Dictionary<string, (NotebookCell Cell, int Index)>();
        var checks = new Dictionary<string, (NotebookCell Cell, int Index)>();
        var order = new List<string>();
        for (int i = 0; i < notebook.Cells.Count; i++)
        {
            var cell = notebook.Cells[i];
            if (Mark(cell, path, i) is not { } mark) continue;
            if (cell.Kind != CellKind.Code) throw new NotebookFormatException(path, $"cell {i + 1} is marked as exercise {mark.Id}'s {mark.Role} but is not a code cell.");
            var into = mark.Role switch
            {
                AnswerRole => answers,
                CheckRole => checks,
                _ => throw new NotebookFormatException(path, $"cell {i + 1}: exercise {mark.Id} has the role '{mark.Role}'; expected \"{AnswerRole}\" or \"{CheckRole}\"."),
            };
            if (into.TryGetValue(mark.Id, out var first))
                throw new NotebookFormatException(path, $"exercise {mark.Id} has two {mark.Role} cells (cells {first.Index + 1} and {i + 1}).");
            into[mark.Id] = (cell, i);
            if (!order.Contains(mark.Id)) order.Add(mark.Id);
        }
        var exercises = new List<ChapterExercise>();
        foreach (string id in order)
        {
            if (!answers.TryGetValue(id, out var answer)) throw new NotebookFormatException(path, $"exercise {id} has a checker cell but no answer cell.");
            if (!checks.TryGetValue(id, out var check)) throw new NotebookFormatException(path, $"exercise {id} has an answer cell but no checker cell.");
            if (check.Index < answer.Index)
                throw new NotebookFormatException(path, $"exercise {id}'s checker (cell {check.Index + 1}) comes before its answer (cell {answer.Index + 1}).");
            exercises.Add(new ChapterExercise(id, answer.Cell, check.Cell));
        }
        return exercises;
    }

    /// <summary>The exercise id and role in a cell's metadata, or null for a cell that is not part of an exercise.</summary>
    public static (string Id, string Role)? Mark(NotebookCell cell, string path, int index)
    {
        if (cell.Metadata[MetadataKey] is not { } node) return null;
        string where = $"cell {index + 1} metadata \"{MetadataKey}\"";
        if (node is not JsonObject dlk) throw new NotebookFormatException(path, $"{where} is not an object.");
        if (dlk["exercise"] is null && dlk["role"] is null) return null;
        string? id = Text(dlk["exercise"]), role = Text(dlk["role"]);
        if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(role))
            throw new NotebookFormatException(path, $"{where} needs both \"exercise\" (an id such as \"03.1\") and \"role\" (\"{AnswerRole}\" or \"{CheckRole}\") as strings.");
        return (id.Trim(), role.Trim());
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}

/// <summary>Copies of a notebook with some exercise cells replaced.</summary>
public static class NotebookEdits
{
    /// <summary>
    /// A copy of <paramref name="notebook"/> in which each cell marked as exercise X's <paramref name="role"/> holds
    /// <paramref name="replacement"/>(X) instead, where that is not null (a learner's notebook with the solutions in, or
    /// with the chapter's own checkers). Ids, metadata and every other cell are kept.
    /// </summary>
    public static Notebook Replace(Notebook notebook, string path, string role, Func<string, string?> replacement)
    {
        var cells = notebook.Cells.Select((cell, i) =>
            ChapterExercises.Mark(cell, path, i) is { } mark && mark.Role == role && replacement(mark.Id) is { } source
                ? new NotebookCell(cell.Kind, source, cell.Language) { Id = cell.Id, Metadata = (System.Text.Json.Nodes.JsonObject)cell.Metadata.DeepClone() }
                : cell).ToList();
        return new Notebook(cells) { Metadata = notebook.Metadata };
    }
}
