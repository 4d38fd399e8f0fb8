// exercise 07.1
// h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)
Tensor RnnStep(Tensor x, Tensor h, RNNCell cell) =>
    (x.MatMul(cell.WeightIh.T) + cell.BiasIh! + h.MatMul(cell.WeightHh.T) + cell.BiasHh!).Tanh();
// exercise 07.2
// p(c) = count(c) / length; H = −Σ_c p(c) ln p(c)
double UnigramEntropy(string text) =>
    -text.GroupBy(c => c).Sum(g => (double)g.Count() / text.Length * Math.Log((double)g.Count() / text.Length));
// exercise 07.3
// ‖g‖ = √(Σ_p Σ_i g²), in float64; scale by maxNorm / ‖g‖ only when above the bound.
double ClipByGlobalNorm(IReadOnlyList<Tensor> grads, double maxNorm)
{
    double norm = Math.Sqrt(grads.Sum(g => (double)g.Square().Sum().Item()));
    if (norm > maxNorm)
        foreach (var g in grads) g.CopyFrom(g * (float)(maxNorm / (norm + 1e-6)));
    return norm;
}
