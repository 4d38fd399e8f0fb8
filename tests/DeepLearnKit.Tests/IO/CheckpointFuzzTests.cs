// A bounded property fuzz of Checkpoint.Load: hundreds of seeded mutations of one checkpoint file (bytes flipped,
// inserted, cut; header values replaced by other JSON) each either load correctly or throw InvalidDataException naming
// the file with the model and optimizer untouched. Nothing else: no other exception, no half-loaded state.
using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using DeepLearnKit.IO;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using static DeepLearnKit.Tests.Training.TrainingData;

namespace DeepLearnKit.Tests.IO;

public sealed class CheckpointFuzzTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dlk-fuzz-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static (Sequential Model, Adam Adam) Fresh(int seed)
    {
        var model = new Sequential(FixedLinear(3, 4, seed), new Tanh(), FixedLinear(4, 2, seed + 1));
        var adam = new Adam(model.Parameters(), learningRate: 0.01, amsgrad: true);
        return (model, adam);
    }

    private static void Step(Module model, Optimizer optimizer)
    {
        optimizer.ZeroGrad();
        model.Call(Tensor.Ones(2, 3)).Square().Mean().Backward();
        optimizer.Step();
    }

    private static string StateText(Optimizer optimizer) => string.Join(";", optimizer.State.Values.Select(s =>
        $"{s.Step}:" + string.Join(",", s.Tensors.OrderBy(t => t.Key).Select(t => t.Key + string.Join(" ", Bits(t.Value))))));

    [Fact]
    public void Every_mutation_of_a_checkpoint_loads_correctly_or_is_refused_with_nothing_changed()
    {
        var (source, sourceAdam) = Fresh(1);
        Step(source, sourceAdam);
        Step(source, sourceAdam);
        string original = Path.Combine(folder, "original.safetensors");
        Checkpoint.Save(original, source, sourceAdam, new Dictionary<string, string> { ["epoch"] = "2" });
        var bytes = File.ReadAllBytes(original);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength))!.AsObject();

        var random = new Random(14);
        int loaded = 0, refused = 0;
        for (int i = 0; i < 400; i++)
        {
            var mutated = i % 2 == 0 ? MutateBytes(bytes, random) : WithHeader(bytes, headerLength, MutateHeader(header, random));
            string path = Path.Combine(folder, $"mutant-{i}.safetensors");
            File.WriteAllBytes(path, mutated);

            var (model, adam) = Fresh(2);
            Step(model, adam);
            var weights = Bits(model);
            string state = StateText(adam);
            try
            {
                Checkpoint.Load(path, model, adam);
                loaded++;
                foreach (var (parameter, s) in adam.State)
                    Assert.All(s.Tensors.Values, t => Assert.Equal(parameter.Shape, t.Shape));
                var options = (AdamOptions)adam.ParamGroups[0].Options;
                _ = new Adam([new ParamGroup([Tensor.Zeros(1).RequireGrad()], options)], options); // options the constructor accepts
                Step(model, adam); // a loaded optimizer takes a step
            }
            catch (InvalidDataException e)
            {
                refused++;
                Assert.Contains(path, e.Message);
                Assert.Equal(weights, Bits(model));
                Assert.Equal(state, StateText(adam));
            }
            File.Delete(path);
        }
        Assert.True(loaded >= 10 && refused >= 200, $"{loaded} loaded, {refused} refused");
    }

    private static byte[] MutateBytes(byte[] bytes, Random random)
    {
        var list = bytes.ToList();
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits && list.Count > 0; e++)
        {
            int at = random.Next(list.Count);
            switch (random.Next(4))
            {
                case 0: list[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: list[at] = (byte)random.Next(256); break;
                case 2: list.Insert(at, (byte)random.Next(256)); break;
                default: list.RemoveRange(at, list.Count - at); break;
            }
        }
        return list.ToArray();
    }

    private static readonly JsonNode?[] Replacements =
    [
        null, true, 0, -1, 5, 1e308, 0.5, int.MaxValue, long.MaxValue, "", "NaN", "-1", "x",
        new JsonArray(), new JsonArray(0, 8), new JsonArray("0", "8"), new JsonArray(65536, 65536, 0), new JsonArray(-1),
        new JsonObject(), new JsonObject { ["LearningRatX"] = 1 }, "[{\"params\":[0,1,2,3],\"options\":{\"Beta1\":5}}]",
        "[{\"params\":[0],\"options\":{}}]", "[{\"params\":[3,2,1,0],\"options\":{}}]", "[]", "{}", "SGD",
    ];

    /// <summary>The header with one value somewhere in it (a tensor's field, a metadata entry, a group option) replaced.</summary>
    private static JsonObject MutateHeader(JsonObject header, Random random)
    {
        var copy = header.DeepClone().AsObject();
        var containers = new List<JsonNode>();
        void Collect(JsonNode node)
        {
            containers.Add(node);
            if (node is JsonObject o) foreach (var (_, v) in o) { if (v is JsonObject or JsonArray) Collect(v); }
            if (node is JsonArray a) foreach (var v in a) { if (v is JsonObject or JsonArray) Collect(v!); }
        }
        Collect(copy);
        var metadata = copy["__metadata__"]!.AsObject();
        if (random.Next(3) == 0 && metadata["optimizer.param_groups"] is { } groups)
        {
            // A group option or index, edited inside the JSON string the metadata holds.
            var parsed = JsonNode.Parse(groups.GetValue<string>())!;
            var options = parsed[0]!["options"]!.AsObject();
            var key = options.Select(p => p.Key).ElementAt(random.Next(options.Count));
            options[key] = Replacements[random.Next(Replacements.Length)]?.DeepClone();
            if (random.Next(4) == 0) parsed[0]!["params"] = Replacements[random.Next(Replacements.Length)]?.DeepClone();
            metadata["optimizer.param_groups"] = parsed.ToJsonString();
            return copy;
        }
        var target = containers[random.Next(containers.Count)];
        var replacement = Replacements[random.Next(Replacements.Length)]?.DeepClone();
        if (target is JsonObject obj && obj.Count > 0)
        {
            var key = obj.Select(p => p.Key).ElementAt(random.Next(obj.Count));
            if (random.Next(5) == 0) obj.Remove(key);
            else obj[key] = replacement;
        }
        else if (target is JsonArray arr && arr.Count > 0) arr[random.Next(arr.Count)] = replacement;
        return copy;
    }

    private static byte[] WithHeader(byte[] bytes, int headerLength, JsonObject header)
    {
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var result = new byte[8 + json.Length + bytes.Length - 8 - headerLength];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)json.Length);
        json.CopyTo(result, 8);
        bytes.AsSpan(8 + headerLength).CopyTo(result.AsSpan(8 + json.Length));
        return result;
    }
}
