// exercise 06.1
// n + 2p − k ≥ 0 here, so integer division is the floor.
int OutputSize(int n, int k, int p, int s) => (n + 2 * p - k) / s + 1;
// exercise 06.2
// y[c, i, j] = max over the k×k window at (i·s, j·s).
Tensor MaxPoolByHand(Tensor x, int k, int s)
{
    int C = x.Size(0), H = x.Size(1), W = x.Size(2);
    int OH = (H - k) / s + 1, OW = (W - k) / s + 1;
    var xs = x.ToArray();
    var y = new float[C * OH * OW];
    for (int c = 0; c < C; c++)
        for (int i = 0; i < OH; i++)
            for (int j = 0; j < OW; j++)
            {
                float best = float.NegativeInfinity;
                for (int u = 0; u < k; u++)
                    for (int v = 0; v < k; v++)
                        best = Math.Max(best, xs[(c * H + i * s + u) * W + j * s + v]);
                y[(c * OH + i) * OW + j] = best;
            }
    return Tensor.FromArray(y, C, OH, OW);
}
// exercise 06.3
// conv2's 5×5 window spans 5 pooled pixels; each pooled pixel is 2 apart in conv1's output, so 4·2 + 2 = 10 of conv1's
// pixels; conv1's 5×5 window adds 2 on each side: 10 + 4 = 14 input pixels.
int ReceptiveField() => 14;
