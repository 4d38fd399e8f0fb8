// Tests that reseed the shared Rng and expect the same draws twice must not interleave with other
// tests drawing from it, so they run in one collection outside the parallel phase.
namespace DeepLearnKit.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedRngCollection
{
    public const string Name = "Tests that reseed the shared Rng";
}
