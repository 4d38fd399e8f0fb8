// A cell's console capture: linear in what the cell writes, merged per stream, and bounded, with a note where it cut.
using DeepLearnKit.Cli.Execution;

namespace DeepLearnKit.Cli.Tests.Execution;

public class OutputListTests
{
    private const string Line = "a line of console output, 49 characters long....\n";

    [Fact]
    public void Many_console_writes_cost_memory_in_proportion_to_their_text()
    {
        var outputs = new OutputList();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++) outputs.Write("stdout", Line);
        var text = Assert.IsType<StreamOutput>(Assert.Single(outputs.Snapshot())).Text;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(10_000 * Line.Length, text.Length);
        // 500 kB of text; appending by concatenation allocated about 10,000² / 2 lines' worth (5 GB).
        Assert.InRange(allocated, 0, 20L << 20);
    }

    [Fact]
    public void Console_text_past_the_bound_is_dropped_with_a_note_where_it_was_cut()
    {
        var outputs = new OutputList(maxConsoleCharacters: 1000);
        outputs.Add(new DisplayOutput(new Dictionary<string, string> { ["text/plain"] = "first" }));
        for (int i = 0; i < 100; i++) outputs.Write("stdout", Line);
        outputs.Add(new DisplayOutput(new Dictionary<string, string> { ["text/plain"] = "last" }));
        outputs.Write("stdout", "after the display\n");

        var snapshot = outputs.Snapshot();
        Assert.Equal(4, snapshot.Count);
        Assert.Equal("first", ((DisplayOutput)snapshot[0]).Data["text/plain"]);
        Assert.Equal(string.Concat(Enumerable.Repeat(Line, 100))[..1000], Assert.IsType<StreamOutput>(snapshot[1]).Text);
        var note = Assert.IsType<StreamOutput>(snapshot[2]);
        Assert.Equal("stderr", note.Name);
        Assert.Contains("truncated", note.Text);
        Assert.Contains($"dropped {100 * Line.Length - 1000 + 18:N0} more", note.Text);
        Assert.Equal("last", ((DisplayOutput)snapshot[3]).Data["text/plain"]);
    }

    [Fact]
    public void Writes_to_one_stream_merge_and_a_change_of_stream_starts_a_new_output()
    {
        var outputs = new OutputList();
        outputs.Write("stdout", "a");
        outputs.Write("stdout", "b");
        outputs.Write("stderr", "c");
        outputs.Write("stdout", "d");
        Assert.Equal([new StreamOutput("stdout", "ab"), new StreamOutput("stderr", "c"), new StreamOutput("stdout", "d")], outputs.Snapshot());
    }
}
