// exercise 04.1
// Exercise 04.1: σ'(x) = σ(x)(1 − σ(x)), elementwise.
Tensor SigmoidDerivative(Tensor x)
{
    var s = x.Sigmoid();
    return s * (1 - s);
}
// exercise 04.2
// Exercise 04.2: inverted dropout: keep with probability 1 − p, scale the kept by 1/(1 − p).
Tensor MyDropout(Tensor x, float p)
{
    var keep = Tensor.Rand(x.Shape) >= p;                 // 1 where kept, 0 where dropped
    return x * keep / (1 - p);
}
// exercise 04.3
// Exercise 04.3: λ Σ_W Σᵢⱼ Wᵢⱼ² over the rank-2 parameters.
Tensor L2Penalty(Module model, float lambda)
{
    Tensor total = Tensor.Scalar(0);
    foreach (var w in model.Parameters().Where(p => p.Rank == 2)) total = total + w.Square().Sum();
    return lambda * total;
}
