// Notebook sessions set the process's current directory to their notebook's folder, so tests that run cells take turns.
namespace DeepLearnKit.Cli.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SessionCollection
{
    public const string Name = "Tests that run notebook cells";
}
