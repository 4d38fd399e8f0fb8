// Makes real assemblies and NuGet packages for the runner tests: C# compiled with Roslyn against this runtime, zipped
// with a nuspec (and an extension.dib) into a .nupkg in a local folder feed.
using System.IO.Compression;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DeepLearnKit.Cli.Tests.Execution;

internal static class TestPackages
{
    /// <summary>Compiles <paramref name="source"/> into a library <paramref name="name"/>.dll and returns its bytes.</summary>
    public static byte[] CompileLibrary(string name, string source)
    {
        string[] trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = trusted.Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll" or "netstandard.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(name, [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join('\n', result.Diagnostics));
        return stream.ToArray();
    }

    /// <summary>
    /// Writes <c>id.version.nupkg</c> into <paramref name="feedFolder"/> holding <c>lib/net8.0/id.dll</c> compiled from
    /// <paramref name="source"/> and, when given, <c>interactive-extensions/dotnet/extension.dib</c>.
    /// </summary>
    public static void Pack(string feedFolder, string id, string version, string source, string? extensionDib)
    {
        Directory.CreateDirectory(feedFolder);
        using var zip = ZipFile.Open(Path.Combine(feedFolder, $"{id}.{version}.nupkg"), ZipArchiveMode.Create);
        Write(zip, $"{id}.nuspec", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
              <metadata><id>{id}</id><version>{version}</version><authors>tests</authors><description>A package made by a test.</description></metadata>
            </package>
            """);
        using (var dll = zip.CreateEntry($"lib/net8.0/{id}.dll").Open()) dll.Write(CompileLibrary(id, source));
        if (extensionDib is not null) Write(zip, "interactive-extensions/dotnet/extension.dib", extensionDib);
    }

    private static void Write(ZipArchive zip, string name, string text)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open());
        writer.Write(text);
    }
}
