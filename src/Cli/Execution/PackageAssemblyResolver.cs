// Lets a package assembly built against an older version of a dependency bind to the newer version the restore
// resolved, as the .NET host does for an application's own dependencies. Roslyn scripting's assembly loader matches
// strong-named references by exact version (the .NET Framework rule), so without this a chain such as
// Plotly.NET 6.0.0 -> Giraffe.ViewEngine 1.4.0 -> FSharp.Core 5.0.0.0 fails with FileNotFoundException although the
// restore chose FSharp.Core 10.1.403 (seen as "The type initializer for '<StartupCode$Plotly-NET>.$Defaults' threw").
using System.Reflection;
using System.Runtime.Loader;

namespace DeepLearnKit.Cli.Execution;

/// <summary>
/// Resolves a package assembly reference that nothing else could bind to the highest restored version with the same
/// simple name and public key token whose version is at least the one asked for.
/// </summary>
internal static class PackageAssemblyResolver
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, List<(AssemblyName Name, string Path)>> Restored = new(StringComparer.OrdinalIgnoreCase);
    private static bool hooked;
    [ThreadStatic] private static bool resolving;   // the context load below can come back here for the same name

    /// <summary>Makes <paramref name="paths"/> (restored package assemblies) candidates for version-tolerant binding.</summary>
    public static void Register(IEnumerable<string> paths)
    {
        lock (Gate)
        {
            foreach (string path in paths)
            {
                AssemblyName name;
                try { name = AssemblyName.GetAssemblyName(path); }
                catch (BadImageFormatException) { continue; }   // a native or reference-only file among the runtime items
                if (!Restored.TryGetValue(name.Name!, out var list)) Restored[name.Name!] = list = [];
                if (!list.Any(c => c.Path == path)) list.Add((name, path));
            }
            if (hooked) return;
            // AssemblyResolve is the runtime's last step: it runs only after the load context, the application's own
            // assemblies and Roslyn's loader (a load context Resolving handler) have all failed, so exact matches
            // keep loading as before.
            AppDomain.CurrentDomain.AssemblyResolve += (_, args) => Resolve(new AssemblyName(args.Name), args.RequestingAssembly);
            hooked = true;
        }
    }

    /// <summary>The assembly to bind <paramref name="wanted"/> to, or null when no loaded or restored one qualifies.</summary>
    internal static Assembly? Resolve(AssemblyName wanted, Assembly? requesting)
    {
        if (resolving) return null;
        var version = wanted.Version ?? new Version(0, 0);
        var loaded = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && Compatible(a.GetName(), wanted, version))
            .MaxBy(a => a.GetName().Version);
        if (loaded is not null) return loaded;

        (AssemblyName Name, string Path) candidate;
        lock (Gate)
        {
            if (!Restored.TryGetValue(wanted.Name!, out var list)) return null;
            candidate = list.Where(c => Compatible(c.Name, wanted, version)).MaxBy(c => c.Name.Version);
        }
        if (candidate.Path is null) return null;
        // Load the exact restored identity through the requesting assembly's context: for a package assembly that is
        // Roslyn's loader, which then owns this one copy and hands it to later scripts that reference it.
        var context = requesting is null ? null : AssemblyLoadContext.GetLoadContext(requesting);
        if (context is not null && context != AssemblyLoadContext.Default)
        {
            resolving = true;
            try { return context.LoadFromAssemblyName(candidate.Name); }
            catch (FileNotFoundException) { }
            finally { resolving = false; }
        }
        return AssemblyLoadContext.Default.LoadFromAssemblyPath(candidate.Path);
    }

    private static bool Compatible(AssemblyName candidate, AssemblyName wanted, Version version) =>
        string.Equals(candidate.Name, wanted.Name, StringComparison.OrdinalIgnoreCase)
        && (candidate.Version ?? new Version(0, 0)) >= version
        && Token(candidate).SequenceEqual(Token(wanted));

    private static byte[] Token(AssemblyName name) => name.GetPublicKeyToken() ?? [];
}
