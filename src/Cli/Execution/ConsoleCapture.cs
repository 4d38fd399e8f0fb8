// Console output of a running cell goes to that cell's outputs. Console.Out is process-wide, so one routing writer is
// installed once and sends each write to the output list of the cell running on the current async flow.
using System.Text;

namespace DeepLearnKit.Cli.Execution;

/// <summary>Routes <see cref="Console.Out"/> and <see cref="Console.Error"/> writes to the current cell's outputs.</summary>
internal static class ConsoleCapture
{
    private static readonly AsyncLocal<OutputList?> current = new();
    private static readonly Lock installLock = new();
    private static bool installed;

    /// <summary>Sends console writes on this async flow (and tasks it starts) to <paramref name="outputs"/> until disposed.</summary>
    public static IDisposable Into(OutputList outputs)
    {
        Install();
        var previous = current.Value;
        current.Value = outputs;
        return new Restore(previous);
    }

    private static void Install()
    {
        lock (installLock)
        {
            if (installed) return;
            Console.SetOut(new RoutingWriter("stdout", Console.Out));
            Console.SetError(new RoutingWriter("stderr", Console.Error));
            installed = true;
        }
    }

    private sealed class Restore(OutputList? previous) : IDisposable
    {
        public void Dispose() => current.Value = previous;
    }

    /// <summary>Writes to the current cell's outputs, or to the original console outside a cell.</summary>
    private sealed class RoutingWriter(string stream, TextWriter original) : TextWriter
    {
        public override Encoding Encoding => original.Encoding;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(string? value)
        {
            if (value is null) return;
            if (current.Value is { } outputs) outputs.Write(stream, value);
            else original.Write(value);
        }

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void WriteLine(string? value) => Write(value + NewLine);

        public override void Flush()
        {
            if (current.Value is null) original.Flush();
        }
    }
}
