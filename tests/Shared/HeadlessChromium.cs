// Opens pages in Debian's headless Chromium for the tests: a probe script added to a copy of the page reports what
// the browser made of it (plotly charts drawn, images decoded, computation graphs, KaTeX formulas, script errors)
// into the DOM that --dump-dom prints. Compiled into each test project that renders pages.
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace DeepLearnKit.Tests.Shared;

internal static class HeadlessChromium
{
    public const string Executable = "/usr/bin/chromium";

    /// <summary>Installed first in the head, so errors of every later script are caught.</summary>
    public const string ErrorCapture = """
        <script>
        window.__dlkErrors = [];
        window.onerror = function (message) { window.__dlkErrors.push(String(message)); };
        window.addEventListener('unhandledrejection', function (e) { window.__dlkErrors.push('unhandled rejection: ' + e.reason); });
        (function () { var original = console.error; console.error = function () { window.__dlkErrors.push(Array.prototype.join.call(arguments, ' ')); original.apply(console, arguments); }; })();
        </script>
        """;

    /// <summary>Writes what the page shows into a pre#dlk-results a moment after it loaded.</summary>
    public const string ResultProbe = """
        <script>
        window.addEventListener('load', function () {
          setTimeout(function () {
            var charts = Array.prototype.slice.call(document.querySelectorAll('.dlk-plotly'));
            var images = Array.prototype.slice.call(document.querySelectorAll('img'));
            var out = document.createElement('pre');
            out.id = 'dlk-results';
            out.textContent = JSON.stringify({
              charts: charts.length,
              drawn: charts.filter(function (c) { return c.querySelector('svg.main-svg') !== null; }).length,
              staticLeft: charts.filter(function (c) { return c.querySelector('svg.dlk-static') !== null; }).length,
              images: images.length,
              decoded: images.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length,
              graphs: document.querySelectorAll('.dlk-graph svg .dlk-op').length,
              formulas: document.querySelectorAll('.katex').length,
              diagrams: document.querySelectorAll('.mermaid svg').length,
              widePre: Array.prototype.slice.call(document.querySelectorAll('pre')).filter(function (p) { return p.scrollWidth > p.clientWidth + 1; }).length,
              errors: window.__dlkErrors
            });
            document.body.appendChild(out);
          }, 1500);
        });
        </script>
        """;

    /// <summary>
    /// Opens a copy of <paramref name="page"/> (beside it, so relative assets load) with <see cref="ErrorCapture"/> and
    /// <see cref="ResultProbe"/> added, returns the probe's findings, and saves a screenshot as
    /// <paramref name="screenshotName"/> in the test output's browser/ folder.
    /// </summary>
    public static JsonElement Probe(string page, string screenshotName)
    {
        string html = File.ReadAllText(page);
        html = html.Replace("<head>", "<head>\n" + ErrorCapture).Replace("</body>", ResultProbe + "\n</body>");
        string probed = Path.Combine(Path.GetDirectoryName(page)!, ".probe-" + Path.GetFileName(page));
        File.WriteAllText(probed, html);
        try
        {
            string dom = Run("--dump-dom", probed);
            var json = Regex.Match(dom, "<pre id=\"dlk-results\">(.*?)</pre>", RegexOptions.Singleline);
            Assert.True(json.Success, "the page's probe did not run; Chromium printed:\n" + dom[..Math.Min(dom.Length, 2000)]);
            Screenshot(probed, screenshotName);
            return JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(json.Groups[1].Value)).RootElement.Clone();
        }
        finally
        {
            File.Delete(probed);
        }
    }

    /// <summary>
    /// A content security policy that lets no script run: the page as GitHub and nbviewer show it. (Chromium's
    /// <c>--blink-settings=scriptEnabled=false</c> would also stop the DevTools evaluation that <c>--dump-dom</c> uses.)
    /// </summary>
    public const string NoScripts = "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'\">";

    /// <summary>The DOM of <paramref name="page"/> as Chromium builds it with JavaScript off.</summary>
    public static string StaticDom(string page) => WithScriptsOff(page, copy => Run("--dump-dom", copy));

    private static T WithScriptsOff<T>(string page, Func<string, T> open)
    {
        string copy = Path.Combine(Path.GetDirectoryName(page)!, ".noscript-" + Path.GetFileName(page));
        File.WriteAllText(copy, File.ReadAllText(page).Replace("<head>", "<head>" + NoScripts));
        try { return open(copy); }
        finally { File.Delete(copy); }
    }

    /// <summary>
    /// Saves a PNG screenshot of <paramref name="page"/> in the test output's browser/ folder and returns its path;
    /// <paramref name="scriptsOff"/> takes it with JavaScript off.
    /// </summary>
    public static string Screenshot(string page, string name, int height = 7000, bool scriptsOff = false)
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "browser");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, name);
        File.Delete(path);
        string arguments = $"--screenshot={path} --window-size=1200,{height}";
        if (scriptsOff) WithScriptsOff(page, copy => Run(arguments, copy));
        else Run(arguments, page);
        Assert.True(File.Exists(path), "Chromium wrote no screenshot");
        Assert.Equal(new byte[] { 137, 80, 78, 71 }, File.ReadAllBytes(path)[..4]);
        return path;
    }

    /// <summary>Runs headless Chromium on <paramref name="page"/> with <paramref name="arguments"/>; returns its standard output.</summary>
    public static string Run(string arguments, string page)
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: scripts/install-prerequisites.sh installs Debian's chromium.");
        var profile = Path.Combine(Path.GetTempPath(), "dlk-chromium-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo(Executable,
            $"--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --user-data-dir={profile} " +
            $"--virtual-time-budget=20000 {arguments} {new Uri(page).AbsoluteUri}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("Chromium did not finish within 2 minutes.");
            }
            Assert.True(process.ExitCode == 0, $"Chromium exited with {process.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            if (Directory.Exists(profile)) Directory.Delete(profile, recursive: true);
        }
    }
}
