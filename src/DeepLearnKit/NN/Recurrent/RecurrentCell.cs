// What the RNN, LSTM and GRU cells share: PyTorch's four parameters with the gates stacked, and their init.
namespace DeepLearnKit.NN;

/// <summary>
/// A recurrent cell's parameters, as PyTorch's: <c>weight_ih</c> [G·H, InputSize], <c>weight_hh</c> [G·H, H],
/// <c>bias_ih</c> and <c>bias_hh</c> [G·H], with G gates stacked in the cell's order, all drawn from U(−1/√H, 1/√H).
/// </summary>
public abstract class RecurrentCell : Module
{
    /// <summary>Registers the parameters of a cell with <paramref name="gates"/> gates.</summary>
    protected RecurrentCell(int inputSize, int hiddenSize, int gates, bool bias)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        double k = 1 / Math.Sqrt(hiddenSize);
        WeightIh = RegisterParameter("weight_ih", Init.Uniform([gates * hiddenSize, inputSize], -k, k));
        WeightHh = RegisterParameter("weight_hh", Init.Uniform([gates * hiddenSize, hiddenSize], -k, k));
        BiasIh = bias ? RegisterParameter("bias_ih", Init.Uniform([gates * hiddenSize], -k, k)) : null;
        BiasHh = bias ? RegisterParameter("bias_hh", Init.Uniform([gates * hiddenSize], -k, k)) : null;
    }

    /// <summary>Input size.</summary>
    public int InputSize { get; }

    /// <summary>Hidden size H.</summary>
    public int HiddenSize { get; }

    /// <summary>W_ih, the gates' input weights stacked: [G·H, InputSize].</summary>
    public Tensor WeightIh { get; }

    /// <summary>W_hh, the gates' hidden weights stacked: [G·H, H].</summary>
    public Tensor WeightHh { get; }

    /// <summary>b_ih, [G·H], or null.</summary>
    public Tensor? BiasIh { get; }

    /// <summary>b_hh, [G·H], or null.</summary>
    public Tensor? BiasHh { get; }
}
