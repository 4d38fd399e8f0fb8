// Solutions to the exercises of notebooks/01-tensors.ipynb. Each "// exercise CC.k" line starts the text that replaces
// that exercise's answer cell (the cell whose metadata is {"dlk": {"exercise": "CC.k", "role": "answer"}}).
// exercise 01.1
// The mean of each row: the row sums divided by the number of columns.
Tensor RowMeans(Tensor t)
{
    return t.Sum(1) / t.Size(1);
}
// exercise 01.2
// A column [n, 1] plus a row [1, n] broadcasts to [n, n] with element (i, j) = i + j.
Tensor AddGrid(int n)
{
    return Tensor.Arange(n).Reshape(n, 1) + Tensor.Arange(n).Reshape(1, n);
}
// exercise 01.3
// Gather along dimension 1 takes scores[i, index[i, 0]] for an [N, 1] index; Reshape(-1) makes it [N].
Tensor PickLabelScores(Tensor scores, Tensor labels)
{
    return scores.Gather(1, labels.Reshape(-1, 1)).Reshape(-1);
}
// exercise 01.4
// Two comparisons combined with &, then the mask's Sum counts its ones.
int CountInRange(Tensor t, float low, float high)
{
    return (int)((t >= low) & (t < high)).Sum().Item();
}
