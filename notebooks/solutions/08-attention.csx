// exercise 08.1
// softmax(Q Kᵀ / √d) V, the scores' rows softmaxed over the keys.
Tensor MyAttention(Tensor q, Tensor k, Tensor v) =>
    (q.MatMul(k.Transpose(-2, -1)) * (1f / MathF.Sqrt(q.Size(-1)))).Softmax(-1).MatMul(v);
// exercise 08.2
// −∞ strictly above the diagonal: key s > query t is the future.
Tensor MyCausalMask(int t)
{
    var values = new float[t * t];
    for (int i = 0; i < t; i++)
        for (int j = i + 1; j < t; j++) values[i * t + j] = float.NegativeInfinity;
    return Tensor.FromArray(values, t, t);
}
