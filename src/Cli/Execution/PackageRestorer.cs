// `#r "nuget: Id, Version"` the way the .NET Interactive kernel resolves it: a real `dotnet restore` of a temporary
// project that references every package the session asked for, then the runtime assemblies listed in its
// project.assets.json, and each package's folder (for interactive-extensions/dotnet/extension.dib).
using System.Diagnostics;
using System.Security;
using System.Text.Json.Nodes;

namespace DeepLearnKit.Cli.Execution;

/// <summary>A package a cell asked for; a null version means the newest stable one.</summary>
public sealed record PackageRequest(string Id, string? Version);

/// <summary>A restored package: its resolved version, its folder, and the runtime assemblies to reference.</summary>
public sealed record RestoredPackage(string Id, string Version, string Folder, IReadOnlyList<string> Assemblies)
{
    /// <summary>The kernel extension script the package carries, or null.</summary>
    public string? ExtensionScript =>
        Path.Combine(Folder, "interactive-extensions", "dotnet", "extension.dib") is var path && File.Exists(path) ? path : null;
}

/// <summary>A restore that failed; the message holds NuGet's errors.</summary>
public sealed class PackageRestoreException(string message) : Exception(message);

/// <summary>Restores packages through <c>dotnet restore</c> of a temporary project targeting this runtime.</summary>
public sealed class PackageRestorer
{
    private const string TargetFramework = "net10.0";

    /// <summary>
    /// Restores <paramref name="packages"/> (with their dependencies) from the configured NuGet sources plus
    /// <paramref name="extraSources"/> (folders or feed URLs) and returns every package in the resolved graph.
    /// </summary>
    public IReadOnlyList<RestoredPackage> Restore(IReadOnlyCollection<PackageRequest> packages, IReadOnlyCollection<string> extraSources,
        CancellationToken cancellationToken = default)
    {
        // A folder of this user's own (mode 700, a fresh name): a shared parent under /tmp that another user made first
        // would refuse this user's restore.
        string folder = Directory.CreateTempSubdirectory("dlk-restore-").FullName;
        try
        {
            string project = Path.Combine(folder, "restore.csproj");
            File.WriteAllText(project, ProjectXml(packages, extraSources));
            var (exitCode, output) = RunDotnet(["restore", project, "--nologo", "-v", "q"], folder, cancellationToken);
            if (exitCode != 0)
            {
                var errors = output.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Select(l => l.Trim()).Distinct();
                string requested = string.Join(", ", packages.Select(p => p.Version is null ? p.Id : $"{p.Id} {p.Version}"));
                throw new PackageRestoreException($"Restoring {requested} failed:\n{string.Join('\n', errors)}");
            }
            return ReadAssets(Path.Combine(folder, "obj", "project.assets.json"));
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static string ProjectXml(IEnumerable<PackageRequest> packages, IEnumerable<string> sources)
    {
        var references = packages.Select(p =>
            $"""    <PackageReference Include="{SecurityElement.Escape(p.Id)}" Version="{SecurityElement.Escape(p.Version ?? "*")}" />""");
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>{TargetFramework}</TargetFramework>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <RestoreAdditionalProjectSources>{SecurityElement.Escape(string.Join(';', sources))}</RestoreAdditionalProjectSources>
                <NoWarn>NU1603;NU1605;NU1701</NoWarn>
              </PropertyGroup>
              <ItemGroup>
            {string.Join('\n', references)}
              </ItemGroup>
            </Project>
            """;
    }

    private static IReadOnlyList<RestoredPackage> ReadAssets(string assetsPath)
    {
        var assets = JsonNode.Parse(File.ReadAllText(assetsPath))!;
        var packageFolders = assets["packageFolders"]!.AsObject().Select(p => p.Key).ToList();
        var libraries = assets["libraries"]!.AsObject();
        var target = assets["targets"]![TargetFramework]!.AsObject();
        var restored = new List<RestoredPackage>();
        foreach (var (key, node) in target)
        {
            if (node?["type"]?.GetValue<string>() != "package") continue;
            string relative = libraries[key]!["path"]!.GetValue<string>();
            string folder = packageFolders.Select(root => Path.Combine(root, relative)).FirstOrDefault(Directory.Exists)
                ?? throw new PackageRestoreException($"Package {key} was restored but its folder '{relative}' is in none of {string.Join(", ", packageFolders)}.");
            var assemblies = (node["runtime"] as JsonObject ?? [])
                .Select(r => r.Key)
                .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                .Select(path => Path.GetFullPath(Path.Combine(folder, path)))
                .ToList();
            var (id, version) = key.Split('/') is [var i, var v] ? (i, v) : (key, "");
            restored.Add(new RestoredPackage(id, version, folder, assemblies));
        }
        return restored;
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/>; returns its exit code and its output and error text.</summary>
    internal static (int ExitCode, string Output) RunDotnet(IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start 'dotnet'.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            process.WaitForExitAsync(cancellationToken).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult());
    }
}
