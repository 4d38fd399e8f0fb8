// The batched matrix product of the reference backend: the triple loop, summed in float64.
namespace DeepLearnKit.Backends.Reference;

internal sealed partial class ReferenceBackend
{
    public void MatMul(TensorStorage a, int aOffset, int aBatchStride, int lda, bool transA,
        TensorStorage b, int bOffset, int bBatchStride, int ldb, bool transB,
        TensorStorage c, int batch, int m, int n, int k, bool accumulate)
    {
        float[] A = Data(a), B = Data(b), C = Data(c);
        for (int t = 0; t < batch; t++)
        {
            int a0 = aOffset + t * aBatchStride, b0 = bOffset + t * bBatchStride, c0 = t * m * n;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = accumulate ? C[c0 + i * n + j] : 0;
                    for (int p = 0; p < k; p++)
                        sum += (double)A[a0 + (transA ? p * lda + i : i * lda + p)] * B[b0 + (transB ? j * ldb + p : p * ldb + j)];
                    C[c0 + i * n + j] = (float)sum;
                }
        }
    }
}
