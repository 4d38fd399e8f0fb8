// A NoGrad scope belongs to the code that opened it, across awaits: it holds in the continuation, ends where
// it is disposed, and no other work (thread-pool items, the caller of an async method) ever sees it.
namespace DeepLearnKit.Tests.Autograd;

public class NoGradFlowTests
{
    [Fact]
    public async Task A_NoGrad_scope_follows_an_await_onto_another_thread_and_leaves_no_thread_disabled()
    {
        Assert.True(Tensor.IsGradEnabled);
        var (inside, recorded) = await AwaitInsideNoGrad();
        Assert.False(inside);
        Assert.False(recorded);
        Assert.True(Tensor.IsGradEnabled);

        var seen = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => Tensor.IsGradEnabled)));
        Assert.All(seen, Assert.True);
        var unflowed = new TaskCompletionSource<bool>();
        ThreadPool.UnsafeQueueUserWorkItem(_ => unflowed.SetResult(Tensor.IsGradEnabled), null);
        Assert.True(await unflowed.Task);
    }

    /// <summary>The case: the continuation after the await runs on a thread-pool thread.</summary>
    private static async Task<(bool GradEnabled, bool Recorded)> AwaitInsideNoGrad()
    {
        using (Tensor.NoGrad())
        {
            await Task.Delay(10).ConfigureAwait(false);
            return (Tensor.IsGradEnabled, (Tensor.Ones(2).RequireGrad() * 2f).GradFn is not null);
        }
    }

    [Fact]
    public async Task A_scope_left_open_inside_an_async_method_does_not_reach_its_caller()
    {
        static async Task ForgetsToDispose()
        {
            Tensor.NoGrad();
            await Task.Yield();
            Assert.False(Tensor.IsGradEnabled);
        }

        await ForgetsToDispose();
        Assert.True(Tensor.IsGradEnabled);
    }
}
