// exercise 03.1
// Exercise 03.1: L = (1/n) Σᵢ (ŷᵢ − yᵢ)², a scalar tensor.
Tensor Mse(Tensor yHat, Tensor y) => (yHat - y).Square().Mean();
// exercise 03.2
// Exercise 03.2: ∂L/∂z = (σ(z) − y) / n, n the number of elements.
Tensor BceGradient(Tensor z, Tensor y) => (z.Sigmoid() - y) / (float)z.NumEl;
// exercise 03.3
// Exercise 03.3: log-sum-exp with each row's max subtracted, minus the true class's logit, averaged.
Tensor MyCrossEntropy(Tensor z, Tensor y)
{
    var max = z.Max(1, keepDim: true);                                  // [N, 1]
    var logSumExp = (z - max).Exp().Sum(1, keepDim: true).Log() + max;  // [N, 1]
    var trueLogit = z.Gather(1, y.Unsqueeze(1));                        // [N, 1]
    return (logSumExp - trueLogit).Mean();
}
