// Console.In while a kernel cell runs: Console.ReadLine() asks the client for a line (input_request on stdin) when
// the request allowed it, and otherwise fails saying why, instead of waiting forever for a terminal that is not there.
namespace DeepLearnKit.Cli.Kernel;

internal sealed class KernelInput(Func<string, string>? ask) : TextReader
{
    private string? buffered;
    private int position;

    public override string? ReadLine()
    {
        if (buffered is not null && position < buffered.Length)
        {
            string rest = buffered[position..];
            buffered = null;
            return rest;
        }
        return Ask();
    }

    public override int Read()
    {
        if (buffered is null || position > buffered.Length)
        {
            buffered = Ask() + "\n";
            position = 0;
        }
        return position < buffered.Length ? buffered[position++] : -1;
    }

    public override int Peek()
    {
        int c = Read();
        if (c >= 0) position--;
        return c;
    }

    private string Ask() => ask is null
        ? throw new InvalidOperationException("Console.ReadLine: this client does not accept input (its execute_request set allow_stdin to false).")
        : ask("");
}
