// Gather and scatter along an axis of the reference backend (indices stored as floats).
namespace DeepLearnKit.Backends.Reference;

internal sealed partial class ReferenceBackend
{
    public void IndexSelect(TensorStorage x, int outer, int axis, int inner, TensorStorage indices, int indexCount, TensorStorage destination)
    {
        float[] src = Data(x), ids = Data(indices), dst = Data(destination);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < indexCount; j++)
                for (int i = 0; i < inner; i++)
                    dst[(o * indexCount + j) * inner + i] = src[(o * axis + (int)ids[j]) * inner + i];
    }

    public void IndexAdd(TensorStorage source, int outer, int axis, int inner, TensorStorage indices, int indexCount, TensorStorage destination)
    {
        float[] src = Data(source), ids = Data(indices), dst = Data(destination);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < indexCount; j++)
                for (int i = 0; i < inner; i++)
                    dst[(o * axis + (int)ids[j]) * inner + i] += src[(o * indexCount + j) * inner + i];
    }
}
