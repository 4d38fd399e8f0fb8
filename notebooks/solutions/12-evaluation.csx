// exercise 12.1
// Precision asks the column (what was predicted c), recall the row (what was c); an empty column gives P_c = 0.
double MacroF1(long[,] counts)
{
    int classes = counts.GetLength(0);
    double sum = 0;
    for (int c = 0; c < classes; c++)
    {
        long tp = counts[c, c], predictedC = 0, actualC = 0;
        for (int k = 0; k < classes; k++) { predictedC += counts[k, c]; actualC += counts[c, k]; }
        double p = predictedC == 0 ? 0 : (double)tp / predictedC, r = actualC == 0 ? 0 : (double)tp / actualC;
        sum += p + r == 0 ? 0 : 2 * p * r / (p + r);
    }
    return sum / classes;
}
// exercise 12.2
// Each bin's gap between accuracy and mean confidence, weighted by the share of predictions in it.
double Ece(float[] confidences, bool[] correct, int bins)
{
    var count = new int[bins];
    var confidence = new double[bins];
    var right = new int[bins];
    for (int i = 0; i < confidences.Length; i++)
    {
        int b = Math.Clamp((int)Math.Ceiling(confidences[i] * bins) - 1, 0, bins - 1);
        count[b]++;
        confidence[b] += confidences[i];
        if (correct[i]) right[b]++;
    }
    double ece = 0;
    for (int b = 0; b < bins; b++)
        if (count[b] > 0) ece += (double)count[b] / confidences.Length * Math.Abs((double)right[b] / count[b] - confidence[b] / count[b]);
    return ece;
}
// exercise 12.3
// The gradient is taken at a leaf copy of x, so x itself and the model's parameters keep no gradient.
Tensor MyFgsm(Module model, Tensor x, Tensor y, double epsilon)
{
    model.Eval();
    var leaf = x.Detach().RequireGrad();
    Loss.CrossEntropy(model.Call(leaf), y, Reduction.Sum).Backward();
    using var _ = Tensor.NoGrad();
    return (x + (float)epsilon * leaf.Grad!.Sign()).Clamp(0, 1);
}
