// The Keras shape (Compile, Fit(x, y), Evaluate, Predict) against the explicit loop it stands for: the same model, the
// same seed, the same losses and weights; then the seeds' example (an MLP on 1000 × 10 random binary data), the
// binary-target rule and binary accuracy, and the errors a learner meets.
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using DeepLearnKit.Training;

namespace DeepLearnKit.Tests.Training;

[Collection(SharedRngCollection.Name)]
public class KerasStyleTests
{
    /// <summary>x [n, 10] uniform and y [n] random 0/1 labels, as the seeds' <c>np.random.random</c> / <c>randint(2)</c>.</summary>
    private static (Tensor X, Tensor Y) RandomBinary(int n, int seed)
    {
        Rng.Seed(seed);
        return (Tensor.Rand(n, 10), Tensor.RandInt(0, 2, n));
    }

    private static Sequential KerasMlp() =>
        new(new Dense(16, Activation.ReLU), new Dense(16, Activation.ReLU), new Dense(1, Activation.Sigmoid));

    [Fact]
    public void Fit_is_the_explicit_training_loop_it_stands_for()
    {
        var (x, y) = RandomBinary(250, seed: 1);
        const int epochs = 3, batch = 40, train = 200; // validationSplit 0.2 keeps the last 50 for validation

        // Keras style.
        var keras = KerasMlp();
        keras.Compile(ps => new SGD(ps, learningRate: 0.5, momentum: 0.9), Loss.BinaryCrossEntropy, [BatchMetric.BinaryAccuracy]);
        Rng.Seed(2);
        var history = keras.Fit(x, y, epochs: epochs, batchSize: batch, validationSplit: 0.2, live: false);

        // The loop it stands for: build (Glorot-uniform weights drawn in layer order, zero biases), then per epoch a
        // permutation, batches of 40, ZeroGrad, forward, BCE against y as [n, 1], backward, step; then validation.
        var layers = new[] { new Linear(10, 16), new Linear(16, 16), new Linear(16, 1) };
        var model = new Sequential(layers[0], new ReLU(), layers[1], new ReLU(), layers[2], new Sigmoid());
        Rng.Seed(2);
        using (Tensor.NoGrad())
            foreach (var l in layers)
            {
                l.Weight.CopyFrom(Init.XavierUniform(l.Weight.Shape));
                l.Bias!.CopyFrom(Tensor.Zeros(l.OutFeatures));
            }
        var sgd = new SGD(model.Parameters(), learningRate: 0.5, momentum: 0.9);
        var (trainX, trainY) = (x.Narrow(0, 0, train), y.Narrow(0, 0, train).Unsqueeze(1));
        var (validX, validY) = (x.Narrow(0, train, 50), y.Narrow(0, train, 50).Unsqueeze(1));
        var stepLosses = new List<double>();
        var validationLosses = new List<double>();
        var validationAccuracy = new List<double>();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var order = Rng.Permutation(train);
            for (int start = 0; start < train; start += batch)
            {
                var index = Tensor.FromArray(order[start..(start + batch)].Select(i => (float)i).ToArray());
                sgd.ZeroGrad();
                var p = model.Call(trainX.IndexSelect(0, index));
                var loss = Loss.BinaryCrossEntropy(p, trainY.IndexSelect(0, index));
                stepLosses.Add(loss.Item());
                loss.Backward();
                sgd.Step();
            }
            using var _ = Tensor.NoGrad();
            // Validation in batches of 40 and 10, weighted by size; accuracy: p > 0.5 against y.
            double lossSum = 0;
            int correct = 0;
            foreach (var (start, count) in new[] { (0, 40), (40, 10) })
            {
                var p = model.Call(validX.Narrow(0, start, count));
                lossSum += Loss.BinaryCrossEntropy(p, validY.Narrow(0, start, count)).Item() * count;
                var (ps, ys) = (p.ToArray(), validY.Narrow(0, start, count).ToArray());
                correct += ps.Where((v, i) => (v > 0.5f ? 1 : 0) == ys[i]).Count();
            }
            validationLosses.Add(lossSum / 50);
            validationAccuracy.Add(correct / 50.0);
        }

        Assert.Equal(epochs * 5, history.Steps);
        TensorAssert.Close(stepLosses.Select(v => (float)v).ToArray(), history.StepLoss.Select(v => (float)v).ToArray(), atol: 1e-5);
        TensorAssert.Close(validationLosses.Select(v => (float)v).ToArray(), history[History.ValidationLossKey].Select(v => (float)v).ToArray(), atol: 1e-5);
        Assert.Equal(validationAccuracy, history["val_binary_accuracy"]);
        for (int k = 0; k < 3; k++)
        {
            var dense = (Dense)keras[k];
            TensorAssert.Close(layers[k].Weight.ToArray(), dense.Weight!.ToArray(), atol: 1e-5);
            TensorAssert.Close(layers[k].Bias!.ToArray(), dense.Bias!.ToArray(), atol: 1e-5);
        }
        Assert.NotEqual(stepLosses[0], stepLosses[^1]); // it trained
    }

    [Fact]
    public void The_seeds_MLP_on_random_binary_data_fits_its_training_set_and_learns_nothing_that_generalises()
    {
        // The seeds' Keras example: Dense(64, relu), Dense(64, relu), Dense(1, sigmoid); binary cross-entropy; accuracy.
        var (x, y) = RandomBinary(1000, seed: 3);
        var model = new Sequential(new Dense(64, Activation.ReLU), new Dense(64, Activation.ReLU), new Dense(1, Activation.Sigmoid));
        model.Compile(ps => new Adam(ps, learningRate: 1e-2), Loss.BinaryCrossEntropy, [BatchMetric.BinaryAccuracy]);
        var history = model.Fit(x, y, epochs: 60, batchSize: 32, validationSplit: 0.2, live: false);

        Assert.Equal(60, history.Epochs);
        Assert.Equal(["loss", "binary_accuracy", "val_loss", "val_binary_accuracy"], history.Keys);
        Assert.True(history["binary_accuracy"][^1] > 0.7, $"training accuracy {history["binary_accuracy"][^1]}: random labels can be memorised");
        Assert.True(history["loss"][^1] < history["loss"][0] - 0.1, $"loss {history["loss"][0]} → {history["loss"][^1]}");
        // Labels drawn at random carry nothing to learn: held-out accuracy stays near chance.
        Assert.InRange(history["val_binary_accuracy"][^1], 0.35, 0.65);

        // Evaluate is the compiled loss and metric of Predict's outputs.
        var (loss, metrics) = model.Evaluate(x, y, batchSize: 1000);
        var p = model.Predict(x, batchSize: 128);
        Assert.Equal([1000, 1], p.Shape);
        Assert.All(p.ToArray(), v => Assert.InRange(v, 0f, 1f));
        double bce = 0, correct = 0;
        var (ps, ys) = (p.ToArray(), y.ToArray());
        for (int i = 0; i < 1000; i++)
        {
            // Each log clamped at −100, as PyTorch's (and Loss.BinaryCrossEntropy's): a memorised p of exactly 0 or 1 stays finite.
            bce -= ys[i] * Math.Max(Math.Log(ps[i]), -100) + (1 - ys[i]) * Math.Max(Math.Log(1 - ps[i]), -100);
            correct += (ps[i] > 0.5 ? 1 : 0) == ys[i] ? 1 : 0;
        }
        Assert.Equal(bce / 1000, loss, 4);
        Assert.Equal(correct / 1000, metrics["binary_accuracy"], 12);
        Assert.True(model.IsTraining);
    }

    [Fact]
    public void Predict_is_one_call_in_eval_mode_without_a_graph()
    {
        Rng.Seed(5);
        var model = new Sequential(new Dense(8, Activation.ReLU, inFeatures: 3), new Dropout(0.5f), new Dense(2));
        var x = Tensor.Randn(70, 3);
        var p = model.Predict(x, batchSize: 32); // batches of 32, 32, 6
        model.Eval();
        using (Tensor.NoGrad()) TensorAssert.Close(model.Call(x).ToArray(), p.ToArray(), atol: 1e-6);
        Assert.Null(p.GradFn);
        Assert.False(p.RequiresGrad);
    }

    [Fact]
    public void Binary_targets_N_are_read_as_N_by_1_for_one_output_per_example()
    {
        var p = Tensor.FromArray([0.9f, 0.2f, 0.6f, 0.4f], 4, 1);
        var y = Tensor.FromArray([1f, 0, 0, 0]);
        Assert.Equal(Loss.BinaryCrossEntropy(p, y.Unsqueeze(1)).Item(), Loss.BinaryCrossEntropy(p, y).Item());
        Assert.Equal([4, 1], Loss.BinaryCrossEntropy(p, y, Reduction.None).Shape);
        Assert.Equal(Loss.BinaryCrossEntropyWithLogits(p, y.Unsqueeze(1)).Item(), Loss.BinaryCrossEntropyWithLogits(p, y).Item());
        var error = Assert.Throws<ArgumentException>(() => Loss.BinaryCrossEntropy(Tensor.Full(0.5f, 4, 2), y));
        Assert.Contains("[4, 2]", error.Message);
        Assert.Contains("[N] for [N, 1]", error.Message);
        // Binary accuracy: 1[p > 0.5] = y → 0.9✓ 0.2✓ 0.6✗ 0.4✓.
        Assert.Equal(0.75, Metrics.BinaryAccuracy(p, y));
        Assert.Equal(0.75, BatchMetric.BinaryAccuracy.Compute(p, y.Unsqueeze(1)));
        Assert.Equal(0.5, Metrics.BinaryAccuracy(p, y, threshold: 0.3)); // 0.4 > 0.3 now counts as 1
        Assert.Contains("0 or 1", Assert.Throws<ArgumentException>(() => Metrics.BinaryAccuracy(p, Tensor.FromArray([2f, 0, 0, 0]))).Message);
    }

    [Fact]
    public void The_errors_say_what_to_do()
    {
        var (x, y) = RandomBinary(20, seed: 6);
        var model = KerasMlp();
        Assert.Contains("compile Sequential first", Assert.Throws<InvalidOperationException>(() => model.Fit(x, y)).Message);
        var early = Assert.Throws<InvalidOperationException>(() => model.Compile(new SGD([Tensor.Zeros(1).RequireGrad()]), Loss.BinaryCrossEntropy));
        Assert.Contains("pass a factory", early.Message);
        model.Compile(ps => new SGD(ps), Loss.BinaryCrossEntropy);
        Assert.Contains("validationSplit", Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(x, y, validationSplit: 1)).Message);
        Assert.Contains("same number", Assert.Throws<ArgumentException>(() => model.Fit(x, y.Narrow(0, 0, 19))).Message);

        // A built model compiles with an optimizer it already holds, and Fit keeps one optimizer across calls.
        var built = new Sequential(new Dense(1, Activation.Sigmoid, inFeatures: 10));
        var sgd = new SGD(built.Parameters(), learningRate: 0.1);
        built.Compile(sgd, Loss.BinaryCrossEntropy);
        built.Fit(x, y, epochs: 1, batchSize: 10, live: false);
        built.Fit(x, y, epochs: 1, batchSize: 10, live: false);
        Assert.Same(sgd, built.CompiledOptimizer);
    }
}
