// What the learning tests of the zoo share: Fashion-MNIST loaded once per test run (standardised), subsets by
// class, a classifier's accuracy over a whole split, and a stopwatch line for the test output.
using System.Diagnostics;
using DeepLearnKit.Data;
using DeepLearnKit.NN;
using Xunit.Abstractions;

namespace DeepLearnKit.Tests.Models;

internal static class ZooData
{
    private static readonly Lazy<TensorDataset> train = new(() => FashionMnist.Load(train: true, normalize: true));
    private static readonly Lazy<TensorDataset> test = new(() => FashionMnist.Load(train: false, normalize: true));

    /// <summary>The 60,000 training images [N, 1, 28, 28], standardised, and their labels [N].</summary>
    public static TensorDataset FashionTrain => train.Value;

    /// <summary>The 10,000 test images and labels.</summary>
    public static TensorDataset FashionTest => test.Value;

    /// <summary>
    /// The examples of <paramref name="data"/> whose label is in <paramref name="classes"/>, at most
    /// <paramref name="limit"/> of them in file order, relabelled 0 … k−1 in the order of <paramref name="classes"/>.
    /// </summary>
    public static TensorDataset OfClasses(TensorDataset data, int[] classes, int limit = int.MaxValue)
    {
        var labels = data.Targets.ToArray();
        var picked = new List<float>();
        var relabelled = new List<float>();
        for (int i = 0; i < labels.Length && picked.Count < limit; i++)
        {
            int k = Array.IndexOf(classes, (int)labels[i]);
            if (k < 0) continue;
            picked.Add(i);
            relabelled.Add(k);
        }
        var index = Tensor.FromArray([.. picked], picked.Count);
        return new TensorDataset(data.Inputs.IndexSelect(0, index), Tensor.FromArray([.. relabelled], relabelled.Count));
    }

    /// <summary>The share of <paramref name="data"/> that <paramref name="model"/> classifies correctly (eval mode, no gradients).</summary>
    public static double Accuracy(Module model, TensorDataset data, int batchSize = 1000)
    {
        bool wasTraining = model.IsTraining;
        model.Eval();
        using var _ = Tensor.NoGrad();
        long correct = 0;
        foreach (var (x, y) in new DataLoader(data, batchSize))
        {
            var predicted = model.Call(x).ArgMax(-1).ToArray();
            var expected = y.ToArray();
            for (int i = 0; i < expected.Length; i++)
                if (predicted[i] == expected[i]) correct++;
        }
        model.Train(wasTraining);
        return (double)correct / data.Count;
    }
}

/// <summary>Times a test and writes "what: value (elapsed)" lines to its output.</summary>
internal sealed class TestClock(ITestOutputHelper output)
{
    private readonly Stopwatch watch = Stopwatch.StartNew();

    public void Report(string line) => output.WriteLine($"{line} [{watch.Elapsed.TotalSeconds:0.0} s]");
}
