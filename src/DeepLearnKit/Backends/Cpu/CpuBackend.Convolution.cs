// Placeholder: convolution and pooling kernels land with the convolution ops.
namespace DeepLearnKit.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void Im2Col(TensorStorage x, int image, int channelStart, int totalChannels, Window2d w, TensorStorage columns) => throw new NotImplementedException();

    public void Col2Im(TensorStorage columns, Window2d w, TensorStorage x, int image, int channelStart, int totalChannels) => throw new NotImplementedException();

    public void MaxPool2d(TensorStorage x, int batch, Window2d w, TensorStorage output, TensorStorage argmax) => throw new NotImplementedException();

    public void MaxPool2dBackward(TensorStorage gradOutput, TensorStorage argmax, int batch, Window2d w, TensorStorage gradInput) => throw new NotImplementedException();

    public void AvgPool2d(TensorStorage x, int batch, Window2d w, bool countPadding, TensorStorage output) => throw new NotImplementedException();

    public void AvgPool2dBackward(TensorStorage gradOutput, int batch, Window2d w, bool countPadding, TensorStorage gradInput) => throw new NotImplementedException();
}
