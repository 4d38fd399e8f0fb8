// The record of a GAN's training: each step's discriminator and generator losses and the discriminator's mean output
// on the real and the generated batch. Data only; the formatters draw it.
using System.Globalization;

namespace DeepLearnKit.Training;

/// <summary>
/// What a GAN's training loop measured, one entry per step (index 0 is step 1): the discriminator's loss
/// <c>L_D = −mean log D(x) − mean log(1 − D(G(z)))</c>, the generator's loss (the non-saturating
/// <c>L_G = −mean log D(G(z))</c>), and the batch means of <c>D(x)</c> and <c>D(G(z))</c>, D's probability that its
/// input is real. Where D cannot tell the two apart (D = ½ everywhere), <c>L_D = 2 ln 2</c> and <c>L_G = ln 2</c>.
/// </summary>
public sealed class GanHistory
{
    private readonly List<double> discriminatorLoss = [];
    private readonly List<double> generatorLoss = [];
    private readonly List<double> realScore = [];
    private readonly List<double> fakeScore = [];

    /// <summary>L_D at the equilibrium D = ½: <c>−log ½ − log ½ = 2 ln 2 ≈ 1.386</c>.</summary>
    public static readonly double EquilibriumDiscriminatorLoss = 2 * Math.Log(2);

    /// <summary>The non-saturating L_G at the equilibrium D = ½: <c>−log ½ = ln 2 ≈ 0.693</c>.</summary>
    public static readonly double EquilibriumGeneratorLoss = Math.Log(2);

    /// <summary>What was trained, e.g. <c>DCGAN on Fashion-MNIST</c>; the charts' default title names it.</summary>
    public string? Description { get; set; }

    /// <summary>Each step's discriminator loss L_D.</summary>
    public IReadOnlyList<double> DiscriminatorLoss => discriminatorLoss;

    /// <summary>Each step's generator loss L_G.</summary>
    public IReadOnlyList<double> GeneratorLoss => generatorLoss;

    /// <summary>Each step's mean D(x) over the real batch.</summary>
    public IReadOnlyList<double> RealScore => realScore;

    /// <summary>Each step's mean D(G(z)) over the generated batch.</summary>
    public IReadOnlyList<double> FakeScore => fakeScore;

    /// <summary>Steps recorded.</summary>
    public int Steps => discriminatorLoss.Count;

    /// <summary>Appends one step's measurements; every value must be finite, and the scores probabilities in [0, 1].</summary>
    public void AddStep(double discriminatorLoss, double generatorLoss, double realScore, double fakeScore)
    {
        if (!double.IsFinite(discriminatorLoss) || !double.IsFinite(generatorLoss))
            throw new ArgumentException($"GanHistory.AddStep: step {Steps + 1} has a non-finite loss (L_D {discriminatorLoss}, L_G {generatorLoss}); the training diverged.");
        if (realScore is not (>= 0 and <= 1) || fakeScore is not (>= 0 and <= 1))
            throw new ArgumentException($"GanHistory.AddStep: D(x) and D(G(z)) are probabilities in [0, 1], got {realScore} and {fakeScore} at step {Steps + 1}.");
        this.discriminatorLoss.Add(discriminatorLoss);
        this.generatorLoss.Add(generatorLoss);
        this.realScore.Add(realScore);
        this.fakeScore.Add(fakeScore);
    }

    /// <summary><c>GanHistory(500 steps, last step: L_D 1.21, L_G 0.93, D(x) 0.58, D(G(z)) 0.41)</c>.</summary>
    public override string ToString()
    {
        static string N(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
        return Steps == 0 ? "GanHistory(no steps)"
            : $"GanHistory({(Description is null ? "" : Description + ", ")}{Steps} steps, last step: L_D {N(discriminatorLoss[^1])}, L_G {N(generatorLoss[^1])}, D(x) {N(realScore[^1])}, D(G(z)) {N(fakeScore[^1])})";
    }
}
