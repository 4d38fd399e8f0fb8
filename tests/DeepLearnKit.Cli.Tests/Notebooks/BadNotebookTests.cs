// Notebook files and command lines with values of the wrong JSON type or out of range: each is bad input (exit 2)
// whose message names the file and the field, never a crash.
using DeepLearnKit.Cli.Notebooks;

namespace DeepLearnKit.Cli.Tests.Notebooks;

public class BadNotebookTests
{
    private const string GoodCell = """{"cell_type": "code", "id": "a1", "metadata": {}, "source": ["1 + 1"], "outputs": [], "execution_count": null}""";

    private static string Notebook(string cells, string nbformat = "4", string metadata = "{}") =>
        $$"""{"cells": [{{cells}}], "metadata": {{metadata}}, "nbformat": {{nbformat}}, "nbformat_minor": 5}""";

    public static TheoryData<string, string, string> Cases => new()
    {
        { "nbformat as a string", Notebook(GoodCell, nbformat: "\"4\""), "\"nbformat\"" },
        { "nbformat as a fraction", Notebook(GoodCell, nbformat: "4.0"), "\"nbformat\"" },
        { "source of numbers", Notebook(GoodCell.Replace("[\"1 + 1\"]", "[1, 2]")), "cell 1 \"source\"" },
        { "source of null", Notebook(GoodCell.Replace("[\"1 + 1\"]", "null")), "cell 1 \"source\"" },
        { "cell_type as a number", Notebook(GoodCell.Replace("\"code\"", "7")), "cell 1 \"cell_type\"" },
        { "an unknown cell_type", Notebook(GoodCell.Replace("\"code\"", "\"python\"")), "cell 1 \"cell_type\"" },
        { "id as a number", Notebook(GoodCell.Replace("\"a1\"", "5")), "cell 1 \"id\"" },
        { "cell metadata as a list", Notebook(GoodCell.Replace("\"metadata\": {}", "\"metadata\": []")), "cell 1 \"metadata\"" },
        { "a cell's language as a number", Notebook(GoodCell.Replace("\"metadata\": {}", "\"metadata\": {\"dotnet_interactive\": {\"language\": 3}}")), "cell 1 \"metadata.dotnet_interactive.language\"" },
        { "the default kernel as a list", Notebook(GoodCell, metadata: "{\"polyglot_notebook\": {\"kernelInfo\": {\"defaultKernelName\": []}}}"), "\"metadata.polyglot_notebook.kernelInfo.defaultKernelName\"" },
        { "notebook metadata as a string", Notebook(GoodCell, metadata: "\"none\""), "\"metadata\"" },
        { "a duplicate key", Notebook(GoodCell.Replace("\"id\": \"a1\"", "\"id\": \"a1\", \"id\": \"a2\"")), "id" },
        { "a duplicate top-level key", Notebook(GoodCell).Replace("\"nbformat\": 4", "\"nbformat\": 4, \"nbformat\": 4"), "nbformat" },
        { "cells as an object", Notebook(GoodCell).Replace($"[{GoodCell}]", "{}"), "\"cells\"" },
        { "a cell that is a number", Notebook("3"), "cell 1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_wrong_JSON_type_is_bad_input_naming_the_file_and_field(string name, string json, string field)
    {
        using var folder = new TempFolder();
        string path = folder.File("lesson.ipynb", json);
        var progress = new StringWriter();
        int code = await Program.RunWithExitCodeAsync(["run", path], new StringWriter(), progress, CancellationToken.None);
        Assert.True(code == 2, $"{name}: exit {code}\n{progress}");
        Assert.Contains(path, progress.ToString());
        Assert.Contains(field, progress.ToString());
        Assert.Throws<NotebookFormatException>(() => Ipynb.Read(path));
    }

    [Theory]
    [InlineData("1e308")]
    [InlineData("Infinity")]
    [InlineData("NaN")]
    [InlineData("-5")]
    [InlineData("0")]
    public async Task A_timeout_that_is_not_a_usable_number_of_seconds_is_bad_input(string timeout)
    {
        using var folder = new TempFolder();
        string path = folder.File("lesson.ipynb", Notebook(GoodCell));
        var progress = new StringWriter();
        int code = await Program.RunWithExitCodeAsync(["run", path, "--timeout", timeout], new StringWriter(), progress, CancellationToken.None);
        Assert.Equal(2, code);
        Assert.Contains("--timeout", progress.ToString());
        Assert.Contains(timeout, progress.ToString());
    }
}
