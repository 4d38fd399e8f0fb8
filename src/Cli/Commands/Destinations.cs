// Where dlk writes results, checked before anything runs: a run can take an hour, and a destination that cannot
// take its results (a file named as the -o folder, a read-only folder) or a write that would replace a file dlk
// did not make is found out first. When writing fails all the same, the results are kept in a temporary folder.
using System.Text.Json;
using System.Text.Json.Nodes;
using DeepLearnKit.Cli.Notebooks;

namespace DeepLearnKit.Cli.Commands;

/// <summary>A destination that cannot take dlk's results (bad input, exit 2); the message names it and why.</summary>
public sealed class DestinationException(string message) : Exception(message);

/// <summary>Checks destinations before a run and keeps results that cannot be written where asked.</summary>
internal static class Destinations
{
    /// <summary>The notebook metadata key where dlk records which file an executed notebook was run from.</summary>
    public const string ExecutedFromKey = "executed_from";

    /// <summary>
    /// Makes sure <paramref name="folder"/> exists (creating it) and that a file can be created in it, by creating
    /// and deleting one; throws <see cref="DestinationException"/> naming <paramref name="command"/> and the folder.
    /// </summary>
    public static void CheckFolder(string command, string folder)
    {
        if (File.Exists(folder))
            throw new DestinationException($"{command}: the output folder '{folder}' is a file.");
        string probe = Path.Combine(folder, $".dlk-write-check-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(folder);
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DestinationException($"{command}: cannot write into '{folder}': {e.Message}");
        }
    }

    /// <summary>
    /// Refuses a set of writes that would lose a file: two inputs writing one target, a target that is a folder, or an
    /// existing target that is neither the input itself (a run in place) nor an earlier result of an input of that
    /// name (<see cref="WrittenFrom"/>).
    /// </summary>
    public static void CheckTargets(string command, IReadOnlyList<(string Input, string Target)> writes)
    {
        foreach (var clash in writes.GroupBy(w => w.Target).Where(g => g.Count() > 1))
            throw new DestinationException(
                $"{command}: {string.Join(" and ", clash.Select(w => $"'{w.Input}'"))} would all be written to '{clash.Key}'; run them into different -o folders.");
        foreach (var (input, target) in writes)
        {
            if (Directory.Exists(target))
                throw new DestinationException($"{command}: the result of '{input}' would be written to '{target}', which is a folder.");
            if (File.Exists(target) && target != input && !WrittenFrom(target, Path.GetFileName(input)))
                throw new DestinationException(
                    $"{command}: '{target}' exists and is not a notebook dlk ran from '{Path.GetFileName(input)}'; " +
                    "move it away, or write the result elsewhere with -o DIR.");
        }
    }

    /// <summary>Marks <paramref name="notebook"/> as run from <paramref name="input"/>, so a later run may replace its file.</summary>
    public static void MarkExecutedFrom(Notebook notebook, string input) =>
        notebook.Metadata["dlk"] = new JsonObject { [ExecutedFromKey] = Path.GetFileName(input) };

    /// <summary>True when <paramref name="path"/> is a notebook whose metadata says dlk ran it from a file named <paramref name="inputName"/>.</summary>
    public static bool WrittenFrom(string path, string inputName)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path))?["metadata"]?["dlk"]?[ExecutedFromKey] is JsonValue v
                && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == inputName;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes <paramref name="notebook"/> to <paramref name="target"/>; when that fails, into a new temporary folder.
    /// Returns where it went (null when even that failed) and why the target failed (null when it did not).
    /// </summary>
    public static (string? WrittenTo, string? Problem) WriteOrKeep(Notebook notebook, string target)
    {
        try
        {
            Ipynb.Write(notebook, target);
            return (target, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                string kept = Path.Combine(Directory.CreateTempSubdirectory("dlk-unsaved-").FullName, Path.GetFileName(target));
                Ipynb.Write(notebook, kept);
                return (kept, e.Message);
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                return (null, $"{e.Message}; keeping it in a temporary folder failed too: {again.Message}");
            }
        }
    }
}
