// `dlk book NOTEBOOK_DIR -o SITE_DIR`: run every chapter, then write the offline HTML book.
using DeepLearnKit.Cli.Book;
using DeepLearnKit.Cli.Execution;
using DeepLearnKit.Cli.Notebooks;

namespace DeepLearnKit.Cli.Commands;

/// <summary>Builds the book of executed chapters.</summary>
public static class BookCommand
{
    /// <summary>
    /// Runs each <c>*.ipynb</c> in <paramref name="notebookFolder"/> (in name order) and writes the book into
    /// <paramref name="siteFolder"/>, with the executed notebooks under <c>notebooks/</c>. Returns 0 when every chapter
    /// ran without error, 1 when one failed (its page shows the error), 130 when cancelled.
    /// </summary>
    public static async Task<int> RunAsync(string notebookFolder, string siteFolder, RunOptions options, TextWriter console,
        CancellationToken cancellationToken)
    {
        if (!Directory.Exists(notebookFolder)) throw new DirectoryNotFoundException($"book: notebook folder '{notebookFolder}' does not exist.");
        var files = Directory.GetFiles(notebookFolder, "*.ipynb").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new FileNotFoundException($"book: '{notebookFolder}' holds no .ipynb notebooks.");
        Destinations.CheckFolder("book", siteFolder);
        Destinations.CheckFolder("book", Path.Combine(siteFolder, "notebooks"));

        var chapters = new List<BookChapter>();
        foreach (string file in files)
        {
            if (cancellationToken.IsCancellationRequested) break;
            var run = await RunCommand.RunOneAsync(file, options, cancellationToken).ConfigureAwait(false);
            Ipynb.Write(run.Notebook, Path.Combine(siteFolder, "notebooks", Path.GetFileName(file)));
            chapters.Add(new BookChapter(run, Path.GetFileName(file)));
            console.WriteLine($"{file}: {(run.Succeeded ? "ok" : $"{run.FailedCells} failed cell(s)")} in {run.Elapsed.TotalSeconds:0.0} s");
        }
        new BookWriter(siteFolder, BookAssets.PlotlyHead()).Write(chapters);
        console.WriteLine($"Book: {Path.Combine(siteFolder, "index.html")}");
        return cancellationToken.IsCancellationRequested ? 130 : chapters.All(c => c.Run.Succeeded) ? 0 : 1;
    }
}
