// exercise 13.1
// Sorting by (|w|, index) puts the smallest magnitudes first and breaks ties by position, as Prune.Magnitude does.
float[] MagnitudeMask(float[] w, double sparsity)
{
    int k = (int)Math.Round(sparsity * w.Length, MidpointRounding.AwayFromZero);
    var mask = Enumerable.Repeat(1f, w.Length).ToArray();
    foreach (int i in Enumerable.Range(0, w.Length).OrderBy(i => Math.Abs(w[i])).ThenBy(i => i).Take(k)) mask[i] = 0;
    return mask;
}
// exercise 13.2
// |w / s| ≤ 127 by the choice of s, so the clamp only guards against rounding at the ends.
(sbyte[] Q, float Scale) QuantizePerTensor(float[] w)
{
    float max = w.Length == 0 ? 0 : w.Max(MathF.Abs);
    float s = max > 0 ? max / 127f : 1f;
    return (w.Select(v => (sbyte)Math.Clamp(MathF.Round(v / s), -127f, 127f)).ToArray(), s);
}
// exercise 13.3
// log q from LogSoftmax is stable for large logits; p log p uses p itself, and the batch mean is the sum over n divided by N.
Tensor DistillationLoss(Tensor zs, Tensor zt, float T)
{
    var p = (zt / T).Softmax(-1);
    var logQ = (zs / T).LogSoftmax(-1);
    return T * T * (p * (p.Log() - logQ)).Sum() / zs.Size(0);
}
