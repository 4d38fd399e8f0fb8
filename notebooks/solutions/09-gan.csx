// exercise 09.1
// softplus(s) = log(1 + e^s), written as max(s, 0) + log(1 + e^{−|s|}) so that no exponential overflows.
Tensor DiscriminatorLossByHand(Tensor realLogits, Tensor fakeLogits)
{
    Tensor Softplus(Tensor s) => s.ReLU() + (1 + (-s.Abs()).Exp()).Log();
    return Softplus(-realLogits).Mean() + Softplus(fakeLogits).Mean();   // −log σ(r) = softplus(−r), −log(1 − σ(f)) = softplus(f)
}
// exercise 09.2
// d/ds log(1 − σ(s)) = −σ'(s) / (1 − σ(s)) = −σ(s); d/ds −log σ(s) = −σ'(s) / σ(s) = −(1 − σ(s)).
(Tensor Saturating, Tensor NonSaturating) GeneratorLossGradients(Tensor s) => (-s.Sigmoid(), s.Sigmoid() - 1);
// exercise 09.3
// ‖x_i − c_k‖² for every pair by broadcasting [N, 1, 2] − [1, K, 2] → [N, K, 2], summed over the last axis.
Tensor ModeCountsWithTensors(Tensor samples, Tensor centres, float r)
{
    var squared = (samples.Unsqueeze(1) - centres.Unsqueeze(0)).Square().Sum(-1);   // [N, K]
    return (squared < r * r).Sum(0);                                                  // [K]
}
