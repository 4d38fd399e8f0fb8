// The random fill of the reference backend: the counter-based Philox draws, one element after another.
namespace DeepLearnKit.Backends.Reference;

internal sealed partial class ReferenceBackend
{
    public void RandomFill(TensorStorage destination, RandomDistribution distribution, ulong seed, float p, float q)
    {
        float[] dst = Data(destination);
        for (int i = 0; i < dst.Length; i++) dst[i] = Philox.Draw(distribution, seed, i, p, q);
    }
}
