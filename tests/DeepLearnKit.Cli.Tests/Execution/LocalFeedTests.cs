// The build makes `#r "nuget: DeepLearnKit, <version>"` work with no #i line by copying the package into a stable
// per-user folder registered as a user-level NuGet source. These tests check what a learner's machine is left with: a
// source outside the clone (NuGet fails every restore of the user, NU1301, once a registered folder is gone), holding
// the package just built, from which a project outside the clone restores it.
using System.Xml.Linq;

namespace DeepLearnKit.Cli.Tests.Execution;

public class LocalFeedTests
{
    private const string SourceName = "DeepLearnKit local build";

    private static string UserConfig() => OperatingSystem.IsWindows()
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "NuGet", "NuGet.Config")
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "NuGet", "NuGet.Config");

    private static List<(string Key, string Value)> UserSources() =>
        XDocument.Load(UserConfig()).Root!.Element("packageSources")!.Elements("add")
            .Select(e => ((string)e.Attribute("key")!, (string)e.Attribute("value")!)).ToList();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeepLearnKit.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("no DeepLearnKit.sln above the test's folder");
    }

    private static string Version() =>
        XDocument.Load(Path.Combine(RepositoryRoot(), "Directory.Build.props")).Descendants("Version").Single().Value;

    [Fact]
    public void The_build_registers_a_per_user_source_outside_the_clone_holding_the_package_it_built()
    {
        var sources = UserSources();
        var feed = Assert.Single(sources, s => s.Key == SourceName).Value;
        string root = Path.GetFullPath(RepositoryRoot()) + Path.DirectorySeparatorChar;

        foreach (var (key, value) in sources.Where(s => !s.Value.StartsWith("http", StringComparison.OrdinalIgnoreCase)))
        {
            Assert.True(Directory.Exists(value), $"the registered source '{key}' ({value}) is missing: every restore of this user fails (NU1301)");
            Assert.False(Path.GetFullPath(value).StartsWith(root, StringComparison.Ordinal), $"the source '{key}' ({value}) lies inside the clone {root}; deleting the clone would break every restore");
        }
        string package = $"DeepLearnKit.{Version()}.nupkg";
        string built = Path.Combine(RepositoryRoot(), "artifacts", "packages", package);
        Assert.Equal(File.ReadAllBytes(built), File.ReadAllBytes(Path.Combine(feed, package)));
    }

    [Fact]
    public void A_project_outside_the_clone_restores_the_package_from_that_source_alone()
    {
        string feed = Assert.Single(UserSources(), s => s.Key == SourceName).Value;
        string globalPackages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        using var folder = new TempFolder();
        // Only the per-user feed for DeepLearnKit; its dependencies come from the machine's package cache (no network),
        // into an empty packages folder, so nothing of the clone and no earlier extraction can answer for it.
        folder.File("NuGet.Config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><clear /><add key="feed" value="{feed}" /><add key="cache" value="{globalPackages}" /></packageSources>
            </configuration>
            """);
        folder.File("probe.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><NoWarn>NU1603;NU1605</NoWarn></PropertyGroup>
              <ItemGroup><PackageReference Include="DeepLearnKit" Version="{Version()}" /></ItemGroup>
            </Project>
            """);
        string packages = Path.Combine(folder.Path, "packages");
        var (exitCode, output) = Cli.Execution.PackageRestorer.RunDotnet(
            ["restore", Path.Combine(folder.Path, "probe.csproj"), "--packages", packages, "--configfile", Path.Combine(folder.Path, "NuGet.Config")],
            folder.Path, CancellationToken.None);

        Assert.True(exitCode == 0, output);
        Assert.True(File.Exists(Path.Combine(packages, "deeplearnkit", Version(), "interactive-extensions", "dotnet", "extension.dib")), output);
    }
}
