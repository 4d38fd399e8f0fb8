// Layers and losses against PyTorch 1.13 (tests/reference/ops, written by make_op_reference.py): each layer gets
// PyTorch's state_dict, then its outputs, the gradients of its inputs and parameters for a fixed upstream gradient, and
// its buffers after the call (BatchNorm's running statistics after one training step) must be PyTorch's.
using DeepLearnKit.NN;

namespace DeepLearnKit.Tests.Reference;

public sealed class LayerReferenceTests
{
    private delegate (Dictionary<string, Tensor> Outputs, Module? Module) Call(ReferenceCase c);

    private static (Dictionary<string, Tensor>, Module?) Y(Tensor y, Module? module = null) => (new() { ["y"] = y }, module);

    /// <summary>Loads the case's state_dict into <paramref name="module"/>, sets its mode and calls it on input x.</summary>
    private static (Dictionary<string, Tensor>, Module?) Layer(ReferenceCase c, Module module, bool training = true, string input = "x")
    {
        c.Load(module).Train(training);
        return Y(module.Call(c[input]), module);
    }

    private static readonly Dictionary<string, Call> layers = new()
    {
        ["batch_norm2d_train"] = c => Layer(c, new BatchNorm2d(3)),
        ["batch_norm2d_momentum0.3_train"] = c => Layer(c, new BatchNorm2d(3, momentum: 0.3f)),
        ["batch_norm2d_eval"] = c => Layer(c, new BatchNorm2d(3), training: false),
        ["batch_norm2d_cumulative_two_steps"] = c =>
        {
            var norm = c.Load(new BatchNorm2d(3, eps: 1e-3f, momentum: null));
            return (new() { ["y0"] = norm.Call(c["x0"]), ["y1"] = norm.Call(c["x1"]) }, norm);
        },
        ["batch_norm1d_features_train"] = c => Layer(c, new BatchNorm1d(5)),
        ["batch_norm1d_sequence_train"] = c => Layer(c, new BatchNorm1d(3, affine: false)),
        ["layer_norm_last"] = c => Layer(c, new LayerNorm(5)),
        ["layer_norm_last_two"] = c => Layer(c, new LayerNorm([3, 5])),
        ["layer_norm_no_affine"] = c => Layer(c, new LayerNorm(4, eps: 1e-3f, elementwiseAffine: false)),
        ["embedding"] = c => Layer(c, new Embedding(7, 3), input: "ids"),
        ["linear"] = c => Layer(c, new Linear(4, 3)),
        ["linear_no_bias"] = c => Layer(c, new Linear(4, 3, bias: false)),
    };

    private static readonly Dictionary<string, Call> losses = new()
    {
        ["cross_entropy_mean"] = c => Y(Loss.CrossEntropy(c["input"], c["target"], Reduction.Mean)),
        ["cross_entropy_sum"] = c => Y(Loss.CrossEntropy(c["input"], c["target"], Reduction.Sum)),
        ["cross_entropy_none"] = c => Y(Loss.CrossEntropy(c["input"], c["target"], Reduction.None)),
        ["cross_entropy_label_smoothing0.1"] = c => Y(Loss.CrossEntropy(c["input"], c["target"], labelSmoothing: 0.1)),
        ["cross_entropy_spatial_label_smoothing0.2_sum"] = c => Y(Loss.CrossEntropy(c["input"], c["target"], Reduction.Sum, labelSmoothing: 0.2)),
        ["cross_entropy_spatial"] = c => Y(Loss.CrossEntropy(c["input"], c["target"])),
        ["nll"] = c => Y(Loss.NLL(c["input"], c["target"])),
        ["nll_sum"] = c => Y(Loss.NLL(c["input"], c["target"], Reduction.Sum)),
        ["mse"] = c => Y(Loss.MSE(c["input"], c["target"])),
        ["mse_sum"] = c => Y(Loss.MSE(c["input"], c["target"], Reduction.Sum)),
        ["l1"] = c => Y(Loss.L1(c["input"], c["target"])),
        ["l1_none"] = c => Y(Loss.L1(c["input"], c["target"], Reduction.None)),
        ["smooth_l1"] = c => Y(Loss.SmoothL1(c["input"], c["target"])),
        ["smooth_l1_beta0.5"] = c => Y(Loss.SmoothL1(c["input"], c["target"], beta: 0.5)),
        ["huber"] = c => Y(Loss.Huber(c["input"], c["target"])),
        ["huber_delta2_sum"] = c => Y(Loss.Huber(c["input"], c["target"], Reduction.Sum, delta: 2)),
        ["bce"] = c => Y(Loss.BinaryCrossEntropy(c["input"], c["target"])),
        ["bce_saturated"] = c => Y(Loss.BinaryCrossEntropy(c["input"], c["target"], Reduction.None)),
        ["smooth_l1_at_beta"] = c => Y(Loss.SmoothL1(c["input"], c["target"], Reduction.Sum)),
        ["kl_div_zero_targets"] = c => Y(Loss.KLDivergence(c["input"], c["target"], Reduction.BatchMean)),
        ["bce_with_logits"] = c => Y(Loss.BinaryCrossEntropyWithLogits(c["input"], c["target"])),
        ["bce_with_logits_sum"] = c => Y(Loss.BinaryCrossEntropyWithLogits(c["input"], c["target"], Reduction.Sum)),
        ["kl_div_batchmean"] = c => Y(Loss.KLDivergence(c["input"], c["target"], Reduction.BatchMean)),
        ["kl_div_mean"] = c => Y(Loss.KLDivergence(c["input"], c["target"], Reduction.Mean)),
        ["kl_div_sum"] = c => Y(Loss.KLDivergence(c["input"], c["target"], Reduction.Sum)),
        ["kl_div_log_target"] = c => Y(Loss.KLDivergence(c["input"], c["target"], Reduction.BatchMean, logTargets: true)),
        ["multi_margin"] = c => Y(Loss.MultiClassHinge(c["input"], c["target"])),
    };

    private static (Dictionary<string, Tensor>, Module?) Recurrent(ReferenceCase c, RecurrentLayer layer)
    {
        c.Load(layer);
        Dictionary<string, Tensor> outputs = [];
        var h0 = c.Has("h0") ? c["h0"] : null;   // none: zeros
        switch (layer)
        {
            case LSTM lstm:
                var (output, (hN, cN)) = lstm.Forward(c["x"], h0 is null ? null : (h0, c["c0"]));
                (outputs["y"], outputs["h_n"], outputs["c_n"]) = (output, hN, cN);
                break;
            case GRU gru:
                (outputs["y"], outputs["h_n"]) = gru.Forward(c["x"], h0);
                break;
            default:
                (outputs["y"], outputs["h_n"]) = ((RNN)layer).Forward(c["x"], h0);
                break;
        }
        return (outputs, layer);
    }

    private static readonly Dictionary<string, Call> recurrent = new()
    {
        ["lstm"] = c => Recurrent(c, new LSTM(3, 4, numLayers: 2, batchFirst: true)),
        ["lstm_bidirectional"] = c => Recurrent(c, new LSTM(3, 4, batchFirst: true, bidirectional: true)),
        ["gru"] = c => Recurrent(c, new GRU(3, 4, batchFirst: true)),
        ["gru_bidirectional"] = c => Recurrent(c, new GRU(3, 4, numLayers: 2, batchFirst: true, bidirectional: true)),
        ["rnn_tanh"] = c => Recurrent(c, new RNN(3, 4, numLayers: 2, batchFirst: true)),
        ["lstm_sequence_first_no_bias"] = c => Recurrent(c, new LSTM(3, 4, numLayers: 2, bias: false)),
        ["gru_unbatched"] = c => Recurrent(c, new GRU(3, 4, numLayers: 2)),
        ["rnn_relu_bidirectional"] = c => Recurrent(c, new RNN(3, 4, nonlinearity: Nonlinearity.ReLU, batchFirst: true, bidirectional: true)),
    };

    /// <summary>
    /// The attention output and its weights averaged over the heads (what PyTorch returns by default; DeepLearnKit keeps
    /// each head's, detached, for drawing).
    /// </summary>
    private static (Dictionary<string, Tensor>, Module?) Attention(ReferenceCase c, Func<MultiHeadAttention, Tensor> call, bool bias = true)
    {
        var attention = c.Load(new MultiHeadAttention(8, 2, bias: bias));
        var y = call(attention);
        return (new() { ["y"] = y, ["weights"] = attention.LastAttentionWeights!.Mean(1) }, attention);
    }

    private static readonly Dictionary<string, Call> attention = new()
    {
        ["self_attention"] = c => Attention(c, a => a.Forward(c["x"], c["x"], c["x"])),
        ["cross_attention"] = c => Attention(c, a => a.Forward(c["query"], c["key"], c["value"])),
        ["causal_self_attention"] = c => Attention(c, a => a.Forward(c["x"], c["x"], c["x"], causal: true)),
        ["key_padding_mask"] = c => Attention(c, a => a.Forward(c["query"], c["key"], c["key"], keyPaddingMask: c["key_padding_mask"])),
        ["no_bias"] = c => Attention(c, a => a.Forward(c["x"], c["x"], c["x"]), bias: false),
        ["float_mask_and_key_padding"] = c =>
            Attention(c, a => a.Forward(c["x"], c["x"], c["x"], mask: c["mask"], keyPaddingMask: c["key_padding_mask"])),
        ["transformer_block_causal"] = c => Layer(c, new TransformerBlock(8, 2)),
    };

    private static readonly Dictionary<string, Dictionary<string, Call>> families = new()
    {
        ["layers"] = layers,
        ["losses"] = losses,
        ["recurrent"] = recurrent,
        ["attention"] = attention,
    };

    public static TheoryData<string> Cases(string family) => new(families[family].Keys);

    [Theory]
    [InlineData("layers")]
    [InlineData("losses")]
    [InlineData("recurrent")]
    [InlineData("attention")]
    public void Every_PyTorch_case_of_the_family_has_its_DeepLearnKit_call(string family) =>
        Assert.Equal(ReferenceCase.CaseNames(family), families[family].Keys.Order());

    [Theory]
    [MemberData(nameof(Cases), "layers")]
    public void BatchNorm_LayerNorm_Embedding_and_Linear_match_PyTorch_with_gradients_and_running_statistics(string name) => Check("layers", name);

    [Theory]
    [MemberData(nameof(Cases), "losses")]
    public void Losses_and_their_gradients_match_PyTorch(string name) => Check("losses", name);

    [Theory]
    [MemberData(nameof(Cases), "recurrent")]
    public void LSTM_GRU_and_RNN_outputs_states_and_gradients_match_PyTorch(string name) => Check("recurrent", name);

    [Theory]
    [MemberData(nameof(Cases), "attention")]
    public void MultiHeadAttention_outputs_weights_and_gradients_match_PyTorch(string name) => Check("attention", name);

    private static void Check(string family, string name)
    {
        var c = new ReferenceCase(family, name);
        var (outputs, module) = families[family][name](c);
        c.Check(outputs, module);
    }
}
