// The training workloads of the PyTorch comparison ("Models that learn"), C# side: each one trains a model of
// the zoo (src/DeepLearnKit/Models) with an explicit loop — ZeroGrad, forward, loss, Backward, Step, over
// loader.Scoped() so each step's tensors are released when the next begins — and
// torch_bench.py has a function of the same name doing the same work (same architecture, init scheme, data,
// batch, optimizer and steps). One call is a whole run from a fresh, seeded model, so every call does the same
// work; what it reached (loss, test accuracy) is read after the timed calls, untimed.
using DeepLearnKit.Data;
using DeepLearnKit.Models;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using DeepLearnKit.Training;

namespace DeepLearnKit.Benchmarks;

internal static class TrainingWorkloads
{
    /// <summary>Set by <c>--quick</c>: the training workloads do a tenth of their steps (checks the harness only).</summary>
    public static bool Quick { get; set; }

    /// <summary>The reported loss is the mean of the last this-many steps' losses (one step's loss is noisy).</summary>
    private const int LossWindow = 10;

    private static int Shrink(int steps) => Quick ? (steps + 9) / 10 : steps;

    private static TensorDataset? fashionTrain, fashionTest;

    // Fashion-MNIST through DeepLearnKit's own IDX loader (the Debian package dataset-fashion-mnist), standardised
    // with the training set's μ and σ (torch_bench.py applies the same constants). Loaded once, before timing.
    private static TensorDataset FashionTrain => fashionTrain ??= FashionMnist.Load(train: true, normalize: true);
    private static TensorDataset FashionTest => fashionTest ??= FashionMnist.Load(train: false, normalize: true);

    /// <summary>Mean of the last <see cref="LossWindow"/> entries.</summary>
    private static double Tail(List<double> losses) => losses.Skip(Math.Max(0, losses.Count - LossWindow)).Average();

    /// <summary>Test accuracy of a classifier, in eval mode without gradients, batches of 1,000 (untimed).</summary>
    private static double TestAccuracy(Module model)
    {
        model.Eval();
        using var _ = Tensor.NoGrad();
        int correct = 0;
        foreach (var (x, y) in new DataLoader(FashionTest, 1000).Scoped())
            correct += (int)Math.Round(Metrics.Accuracy(model.Call(x), y) * y.Size(0));
        model.Train();
        return (double)correct / FashionTest.Count;
    }

    /// <summary>
    /// One epoch (a tenth with --quick) of Fashion-MNIST training: 60,000 images shuffled, batch
    /// <paramref name="batch"/>, Adam lr 1e-3, cross-entropy; the last batch is smaller (234 × 256 + 96), as
    /// PyTorch's default. Result: the train loss (mean of the last 10 steps); detail adds the test accuracy.
    /// </summary>
    private static Prepared ClassifierEpoch(Func<Module> makeModel, int batch)
    {
        var train = FashionTrain;
        _ = FashionTest;
        var loader = new DataLoader(train, batch, shuffle: true);
        int steps = Shrink(loader.Count);
        Module? model = null;
        var losses = new List<double>();
        void Run()
        {
            Rng.Seed(0);
            model = makeModel();
            model.Train();
            var optimizer = new Adam(model.Parameters(), learningRate: 1e-3);
            losses.Clear();
            int step = 0;
            foreach (var (x, y) in loader.Scoped())
            {
                if (step++ == steps) break;
                optimizer.ZeroGrad();
                var loss = Loss.CrossEntropy(model.Call(x), y);
                loss.Backward();
                optimizer.Step();
                losses.Add(loss.Item());
            }
        }
        return new(Run, () => Tail(losses), Detail: () =>
            $"{losses.Count} steps: loss {Tail(losses):0.0000}, test acc {100 * TestAccuracy(model!):0.00}%");
    }

    /// <summary><c>mlp-epoch</c>: MLP 784-256-128-10 (ReLU), batch 256.</summary>
    public static Prepared MLPEpoch() => ClassifierEpoch(() => new MLP(784, [256, 128], 10), batch: 256);

    /// <summary><c>lenet-epoch</c>: LeNet-5 (conv 6@5×5 pad 2, ReLU, max-pool 2, conv 16@5×5, ReLU, max-pool 2, 120, 84, 10), batch 64.</summary>
    public static Prepared LeNetEpoch() => ClassifierEpoch(() => new LeNet5(10), batch: 64);

    /// <summary>
    /// <c>lstm-N</c>: N steps (a tenth with --quick) of a char-level LM on the word list /usr/share/dict/words (package
    /// wamerican: lower-cased a–z words, each ended by '\n', vocabulary 27): embedding 128 → LSTM 256 → Linear 27,
    /// batch 32 × 35 characters, non-overlapping windows taken in order (step s: windows 32s … 32s+31, the same data
    /// on both sides), zero initial state, Adam lr 2e-3. Result: the loss (mean of the last 10 steps), in nats per
    /// character (ln 27 = 3.30 at chance).
    /// </summary>
    public static Prepared LSTM(int n)
    {
        const int Batch = 32, Length = 35;
        var corpus = CharCorpus.FromFile();
        var windows = corpus.Sequences(Length);
        int vocab = corpus.Vocabulary.VocabularySize, steps = Shrink(n);
        if (steps * Batch > windows.Count)
            throw new ArgumentException($"lstm-{n}: the corpus has {windows.Count} windows, fewer than {steps} × {Batch}.");
        var loader = new DataLoader(windows, Batch);
        var losses = new List<double>();
        void Run()
        {
            Rng.Seed(0);
            var model = new CharLanguageModel(vocab, embedDim: 128, hiddenSize: 256);
            model.Train();
            var optimizer = new Adam(model.Parameters(), learningRate: 2e-3);
            losses.Clear();
            int step = 0;
            foreach (var (x, y) in loader.Scoped())
            {
                if (step++ == steps) break;
                optimizer.ZeroGrad();
                var logits = model.Call(x);                                           // (32, 35, V)
                var loss = Loss.CrossEntropy(logits.Reshape(-1, vocab), y.Reshape(-1)); // over 32·35 characters
                loss.Backward();
                optimizer.Step();
                losses.Add(loss.Item());
            }
        }
        return new(Run, () => Tail(losses), Detail: () =>
            $"{losses.Count} steps: loss {Tail(losses):0.0000} (vocab {vocab}, chance {Math.Log(vocab):0.00})");
    }

    /// <summary>
    /// <c>dcgan-N</c>: N steps (a tenth with --quick) of the zoo's DCGAN for 28×28 (G: nz 100 → ConvT 128@7×7 → 64@14×14
    /// → 1@28×28, BN, ReLU, tanh; D: conv 64 stride 2 → 128 stride 2 → BN → conv 7×7 → logit, LeakyReLU 0.2; weights
    /// N(0, 0.02)), batch 64 of Fashion-MNIST training images in order (scaled to [−1, 1]), Adam lr 2e-4 betas
    /// (0.5, 0.999) for each net; each step updates D on a real and a fake batch, then G (non-saturating loss), as
    /// PyTorch's DCGAN example. Result: D's loss (mean of the last 10 steps); detail adds G's.
    /// </summary>
    public static Prepared DCGAN(int n)
    {
        const int Batch = 64, Nz = 100;
        int steps = Shrink(n);
        var source = FashionMnist.Load(train: true); // pixels in [0, 1]
        if (steps * Batch > source.Count) throw new ArgumentException($"dcgan-{n}: more images than the training set holds.");
        int used = steps * Batch; // only the images the run reads are scaled, as torch_bench.py does
        var images = new TensorDataset(source.Inputs.Narrow(0, 0, used) * 2f - 1f, source.Targets.Narrow(0, 0, used)); // [−1, 1], as tanh outputs
        var loader = new DataLoader(images, Batch);
        var ones = Tensor.Ones(Batch);
        var zeros = Tensor.Zeros(Batch);
        var lossD = new List<double>();
        var lossG = new List<double>();
        void Run()
        {
            Rng.Seed(0);
            var g = new DCGANGenerator(latentDim: Nz, features: 64);
            var d = new DCGANDiscriminator(features: 64);
            g.Train();
            d.Train();
            var optG = new Adam(g.Parameters(), learningRate: 2e-4, betas: (0.5, 0.999));
            var optD = new Adam(d.Parameters(), learningRate: 2e-4, betas: (0.5, 0.999));
            lossD.Clear();
            lossG.Clear();
            int step = 0;
            foreach (var (real, _) in loader.Scoped())
            {
                if (step++ == steps) break;
                // D: real images → 1, generated ones → 0.
                optD.ZeroGrad();
                var fake = g.Call(g.Noise(Batch));                                          // (64, 1, 28, 28)
                var errD = Loss.BinaryCrossEntropyWithLogits(d.Call(real), ones)
                         + Loss.BinaryCrossEntropyWithLogits(d.Call(fake.Detach()), zeros);
                errD.Backward();
                optD.Step();
                // G: make D call the fakes real.
                optG.ZeroGrad();
                var errG = Loss.BinaryCrossEntropyWithLogits(d.Call(fake), ones);
                errG.Backward();
                optG.Step();
                lossD.Add(errD.Item());
                lossG.Add(errG.Item());
            }
        }
        return new(Run, () => Tail(lossD), Detail: () =>
            $"{lossD.Count} steps: D {Tail(lossD):0.0000}, G {Tail(lossG):0.0000}");
    }
}
