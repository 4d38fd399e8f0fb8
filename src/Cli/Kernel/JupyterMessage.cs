// One message of the Jupyter messaging protocol (version 5.3) and its wire form: the routing identities, the delimiter
// "<IDS|MSG>", the HMAC-SHA256 signature of the four JSON frames, then header, parent header, metadata and content
// (https://jupyter-client.readthedocs.io/en/stable/messaging.html#the-wire-protocol).
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using NetMQ;

namespace DeepLearnKit.Cli.Kernel;

/// <summary>A Jupyter message: who it goes to, its header (msg_type, msg_id, session), the header it answers, its content.</summary>
public sealed record JupyterMessage(IReadOnlyList<byte[]> Identities, JsonObject Header, JsonObject ParentHeader, JsonObject Metadata, JsonObject Content)
{
    /// <summary>The protocol version this kernel speaks.</summary>
    public const string ProtocolVersion = "5.3";

    private const string Delimiter = "<IDS|MSG>";

    /// <summary>The header's <c>msg_type</c>.</summary>
    public string MessageType => Header["msg_type"]?.GetValue<string>() ?? "";

    /// <summary>A new message of <paramref name="type"/> answering <paramref name="parent"/> (its identities and header), or none.</summary>
    public static JupyterMessage Create(string type, JsonObject content, JupyterMessage? parent, string session, IReadOnlyList<byte[]>? identities = null) =>
        new(identities ?? parent?.Identities ?? [],
            new JsonObject
            {
                ["msg_id"] = Guid.NewGuid().ToString("N"),
                ["session"] = session,
                ["username"] = "dlk",
                ["date"] = DateTime.UtcNow.ToString("o"),
                ["msg_type"] = type,
                ["version"] = ProtocolVersion,
            },
            parent?.Header.DeepClone().AsObject() ?? [], [], content);

    /// <summary>The frames to send, signed with <paramref name="signer"/>.</summary>
    public NetMQMessage ToFrames(MessageSigner signer)
    {
        var message = new NetMQMessage();
        foreach (var identity in Identities) message.Append(identity);
        message.Append(Delimiter);
        string[] parts = [Header.ToJsonString(), ParentHeader.ToJsonString(), Metadata.ToJsonString(), Content.ToJsonString()];
        message.Append(signer.Sign(parts));
        foreach (var part in parts) message.Append(Encoding.UTF8.GetBytes(part));
        return message;
    }

    /// <summary>
    /// Reads frames received on a ROUTER socket. A message without the delimiter, with a missing part, with a JSON part
    /// that is not an object, or whose signature does not match gives <see cref="InvalidDataException"/> saying which.
    /// </summary>
    public static JupyterMessage FromFrames(NetMQMessage frames, MessageSigner signer)
    {
        var all = frames.Select(f => f.ToByteArray()).ToList();
        int delimiter = all.FindIndex(f => f.AsSpan().SequenceEqual(Encoding.ASCII.GetBytes(Delimiter)));
        if (delimiter < 0) throw new InvalidDataException("a message without the <IDS|MSG> delimiter");
        if (all.Count < delimiter + 6) throw new InvalidDataException($"a message with {all.Count - delimiter - 1} parts after the delimiter; 5 are needed");
        string signature = Encoding.ASCII.GetString(all[delimiter + 1]);
        string[] parts = all.Skip(delimiter + 2).Take(4).Select(f => Encoding.UTF8.GetString(f)).ToArray();
        if (!signer.Verify(parts, signature)) throw new InvalidDataException("a message whose signature does not match its content (wrong key?)");
        JsonObject Part(int i, string name) => JsonNode.Parse(parts[i]) as JsonObject ?? throw new InvalidDataException($"the message's {name} is not a JSON object");
        return new JupyterMessage(all.Take(delimiter).ToList(), Part(0, "header"), Part(1, "parent header"), Part(2, "metadata"), Part(3, "content"));
    }
}

/// <summary>HMAC-SHA256 signatures of a message's four JSON parts, as hex; with an empty key, no signing.</summary>
public sealed class MessageSigner(string key)
{
    private readonly byte[] key = Encoding.UTF8.GetBytes(key);

    /// <summary>The lower-case hex HMAC of the parts in order, or "" when the key is empty.</summary>
    public string Sign(IEnumerable<string> parts)
    {
        if (key.Length == 0) return "";
        using var hmac = new HMACSHA256(key);
        foreach (var part in parts)
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            hmac.TransformBlock(bytes, 0, bytes.Length, null, 0);
        }
        hmac.TransformFinalBlock([], 0, 0);
        return Convert.ToHexStringLower(hmac.Hash!);
    }

    /// <summary>True when <paramref name="signature"/> is the parts' signature (compared in constant time).</summary>
    public bool Verify(IEnumerable<string> parts, string signature)
    {
        if (key.Length == 0) return true;
        var expected = Encoding.ASCII.GetBytes(Sign(parts));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}
