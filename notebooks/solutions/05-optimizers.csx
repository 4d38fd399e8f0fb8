// exercise 05.1
// Adadelta: v and u are running means of g² and of the step², both starting at zero.
class MyAdadelta(float lr = 1f, float rho = 0.9f, float eps = 1e-6f) : Scratch
{
    Tensor? v, u;
    public override Tensor Step(Tensor theta, Tensor g)
    {
        v = rho * (v ?? Tensor.ZerosLike(g)) + (1 - rho) * g.Square();   // v ← ρv + (1 − ρ)g²
        u ??= Tensor.ZerosLike(g);
        var delta = (u + eps).Sqrt() / (v + eps).Sqrt() * g;             // Δ = √(u + ε)/√(v + ε)·g
        u = rho * u + (1 - rho) * delta.Square();                         // u ← ρu + (1 − ρ)Δ²
        return theta - lr * delta;                                        // θ ← θ − ηΔ
    }
}
// exercise 05.2
// x is multiplied by 1 − ηa and y by 1 − ηb; both stay below 1 in size exactly when η < 2/a and η < 2/b.
double LargestStableRate(double a, double b) => 2 / Math.Max(a, b);
// exercise 05.3
// The 1cycle rate: a cosine rise from maxLr/25 to maxLr until step a, then a cosine fall to maxLr/25/10⁴ at step b.
double OneCycle(int t, double maxLr, int totalSteps)
{
    double initial = maxLr / 25, final = initial / 1e4;
    double a = 0.3 * totalSteps - 1, b = totalSteps - 1;
    double Anneal(double start, double end, double p) => end + (start - end) * (1 + Math.Cos(Math.PI * p)) / 2;
    return t <= a ? Anneal(initial, maxLr, t / a) : Anneal(maxLr, final, (t - a) / (b - a));
}
