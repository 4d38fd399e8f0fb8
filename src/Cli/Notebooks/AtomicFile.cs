// Writing a file so that a reader sees the old content or the new, never half of it.
namespace DeepLearnKit.Cli.Notebooks;

/// <summary>Writes files through a temporary sibling and a rename.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/>: first to a temporary file in the same folder,
    /// then renamed over the target. If writing fails, the existing file is unchanged and the temporary file removed.
    /// </summary>
    public static void WriteAllText(string path, string text)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temporary, text);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
