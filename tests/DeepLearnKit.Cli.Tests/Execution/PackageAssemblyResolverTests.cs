// The version-tolerant binding behind a learner's Plotly.NET 6 chart (Giraffe.ViewEngine asks for FSharp.Core 5.0.0.0,
// the restore chose 10.1): a reference binds to a loaded or restored assembly of the same name and public key token
// whose version is at least the one asked for, and to nothing else. (KernelProtocolTests shows the chart itself.)
using System.Reflection;
using DeepLearnKit.Cli.Execution;

namespace DeepLearnKit.Cli.Tests.Execution;

public class PackageAssemblyResolverTests
{
    private static readonly AssemblyName Json = typeof(System.Text.Json.JsonSerializer).Assembly.GetName();

    private static AssemblyName Asking(Version version, byte[]? token = null)
    {
        var name = new AssemblyName(Json.Name!) { Version = version };
        name.SetPublicKeyToken(token ?? Json.GetPublicKeyToken());
        return name;
    }

    [Fact]
    public void An_older_version_binds_to_the_loaded_newer_one()
    {
        var bound = PackageAssemblyResolver.Resolve(Asking(new Version(4, 0, 0, 0)), requesting: null);
        Assert.Same(typeof(System.Text.Json.JsonSerializer).Assembly, bound);
    }

    [Fact]
    public void A_newer_version_than_any_there_or_another_publisher_binds_to_nothing()
    {
        Assert.Null(PackageAssemblyResolver.Resolve(Asking(new Version(Json.Version!.Major + 1, 0, 0, 0)), requesting: null));
        Assert.Null(PackageAssemblyResolver.Resolve(Asking(new Version(4, 0, 0, 0), [1, 2, 3, 4, 5, 6, 7, 8]), requesting: null));
    }
}
