// Fetching a data file into a cache folder: download to a temporary file, check its SHA-256, rename into
// place, so the cache never holds a partial or wrong file.
using System.Security.Cryptography;

namespace DeepLearnKit.Data;

/// <summary>Downloads data files with a checksum, and computes the checksums they are compared with.</summary>
public static class Download
{
    private static readonly Lazy<HttpClient> client = new(() => new HttpClient { Timeout = TimeSpan.FromMinutes(10) });

    /// <summary>
    /// Downloads <c>baseUrl + fileName</c> to <c>folder/fileName</c> and returns that path. The bytes go to a temporary
    /// file in <paramref name="folder"/>; when <paramref name="expectedSha256"/> is given, <see cref="ContentSha256"/> of
    /// that file must equal it. Only then is the file renamed into place. On an HTTP error, a network failure or a
    /// checksum mismatch, or a response cut off before its end, the temporary file is deleted and the exception
    /// (<see cref="HttpRequestException"/> or <see cref="InvalidDataException"/>) names the URL.
    /// </summary>
    public static string File(Uri baseUrl, string fileName, string folder, string? expectedSha256)
    {
        var url = new Uri(baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/"), fileName);
        Directory.CreateDirectory(folder);
        string target = Path.Combine(folder, fileName);
        string temporary = Path.Combine(folder, $".{fileName}.{Guid.NewGuid():N}.part");
        try
        {
            using (var request = new HttpRequestMessage(HttpMethod.Get, url))
            using (var response = client.Value.Send(request, HttpCompletionOption.ResponseHeadersRead))
            {
                if (!response.IsSuccessStatusCode)
                    throw new HttpRequestException(
                        $"Download of {url} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
                using var body = response.Content.ReadAsStream();
                using var output = System.IO.File.Create(temporary);
                CopyBody(body, output, url, response.Content.Headers.ContentLength);
            }
            if (expectedSha256 is not null)
            {
                string actual;
                try { actual = ContentSha256(temporary); }
                catch (InvalidDataException e) { throw new InvalidDataException($"Download of {url} is not a valid file: {e.Message}", e); }
                if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
                    throw new InvalidDataException(
                        $"Download of {url} failed the checksum: SHA-256 of its content is {actual}, expected {expectedSha256.ToLowerInvariant()}. Nothing was saved to '{folder}'.");
            }
            System.IO.File.Move(temporary, target, overwrite: true);
            return target;
        }
        catch (HttpRequestException e) when (!e.Message.Contains(url.AbsoluteUri))
        {
            throw new HttpRequestException($"Download of {url} failed: {e.Message}", e, e.StatusCode);
        }
        finally
        {
            if (System.IO.File.Exists(temporary)) System.IO.File.Delete(temporary);
        }
    }

    /// <summary>
    /// Copies the response body; a body that breaks off (the connection closed before Content-Length bytes came)
    /// is an <see cref="HttpRequestException"/> naming the URL and how far it got. Errors writing the file pass as they are.
    /// </summary>
    private static void CopyBody(Stream body, Stream output, Uri url, long? declaredLength)
    {
        var buffer = new byte[81920];
        long received = 0;
        while (true)
        {
            int n;
            try
            {
                n = body.Read(buffer);
            }
            catch (IOException e)
            {
                string of = declaredLength is { } length ? $" of {length}" : "";
                throw new HttpRequestException($"Download of {url} was cut off after {received}{of} bytes: {e.Message}", e);
            }
            if (n == 0) return;
            output.Write(buffer, 0, n);
            received += n;
        }
    }

    /// <summary>
    /// SHA-256 (lower-case hex) of the file's content: of the decompressed bytes when the file is gzipped, else of the
    /// file. Hashing the content, not the .gz, lets one checksum cover the upstream files and a repackaged copy
    /// (Debian's dataset-fashion-mnist recompresses the same IDX bytes).
    /// </summary>
    public static string ContentSha256(string path)
    {
        try
        {
            using var content = Idx.OpenContent(path);
            return Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}': the gzip stream is corrupt ({e.Message}).", e);
        }
    }
}
