// Solutions to the exercises of notebooks/02-backprop.ipynb. Each "// exercise CC.k" line starts the text that replaces
// that exercise's answer cell (the cell whose metadata is {"dlk": {"exercise": "CC.k", "role": "answer"}}).
// exercise 02.1
// ∂/∂wᵢ tanh(wᵢ xᵢ) = (1 − tanh²(wᵢ xᵢ)) · xᵢ, element by element.
Tensor TanhSumGradient(Tensor w, Tensor x)
{
    return x * (1 - (w * x).Tanh().Square());
}
// exercise 02.2
// 1 / (1 + e^(−x)): a quotient of a constant and a sum with an exponential; each op brings its own rule.
Value SigmoidOf(Value x)
{
    return 1 / (1 + (-x).Exp());
}
// exercise 02.3
// ∂(Σᵢ vᵢ yᵢ)/∂xⱼ = Σᵢ vᵢ Wᵢⱼ: the vector–Jacobian product vᵀW, i.e. Wᵀv.
Tensor InputGradient(Tensor W, Tensor v)
{
    return W.T.MatMul(v);
}
