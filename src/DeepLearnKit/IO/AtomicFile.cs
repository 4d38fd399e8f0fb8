// Writing a file so that a reader sees the old content or the new, never part of either: checkpoints, notebooks,
// report pages and book pages are all written this way.
using System.Text;

namespace DeepLearnKit.IO;

/// <summary>Writes files through a temporary sibling that is flushed to disk and then renamed over the target.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Calls <paramref name="write"/> with a stream on a new temporary file beside <paramref name="path"/>, flushes it to
    /// disk and renames it over <paramref name="path"/>. If anything fails, the temporary file is removed, an existing
    /// file at <paramref name="path"/> is left as it was, and the exception propagates. The folder must exist.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(file);
                // A writer may have wrapped and closed the stream; what it wrote is then already flushed.
                if (file.CanWrite) file.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) the same way, creating the folder if needed.</summary>
    public static void WriteAllText(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });
    }

    private static void TryDelete(string file)
    {
        try { File.Delete(file); }
        catch (IOException) { /* the original error matters more than a leftover temporary file */ }
        catch (UnauthorizedAccessException) { }
    }
}
