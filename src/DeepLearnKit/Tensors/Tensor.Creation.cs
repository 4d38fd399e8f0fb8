// Making tensors: from arrays, constants, ranges, identity and random draws.
namespace DeepLearnKit;

public sealed partial class Tensor
{
    /// <summary>A 1-D tensor holding a copy of <paramref name="data"/>, even of one element (as PyTorch's <c>tensor([v])</c>).</summary>
    public static Tensor FromArray(float[] data) => FromArray(data, data.Length);

    /// <summary>A tensor holding a copy of <paramref name="data"/> (row-major) with <paramref name="shape"/>; <c>[]</c> makes a 0-D tensor of one value.</summary>
    public static Tensor FromArray(float[] data, params int[] shape) => FromArray(data, shape, Device.Cpu);

    /// <summary>A tensor holding a copy of <paramref name="data"/> with <paramref name="shape"/>, copied straight to <paramref name="device"/>.</summary>
    public static Tensor FromArray(float[] data, int[] shape, Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (shape.Length == 0 && data.Length != 1) shape = [data.Length];
        Shapes.Validate("FromArray", shape);
        if (Shapes.Count(shape) != data.Length)
            throw new ArgumentException($"FromArray: {data.Length} values do not fill shape {Shapes.Format(shape)} ({Shapes.Count(shape)} elements).");
        return new Tensor(device.Backend.Upload(data), (int[])shape.Clone());
    }

    /// <summary>A 2-D tensor from a rectangular array.</summary>
    public static Tensor FromArray(float[,] data)
    {
        var flat = new float[data.Length];
        Buffer.BlockCopy(data, 0, flat, 0, flat.Length * sizeof(float));
        return FromArray(flat, data.GetLength(0), data.GetLength(1));
    }

    /// <summary>A 3-D tensor from a rectangular array.</summary>
    public static Tensor FromArray(float[,,] data)
    {
        var flat = new float[data.Length];
        Buffer.BlockCopy(data, 0, flat, 0, flat.Length * sizeof(float));
        return FromArray(flat, data.GetLength(0), data.GetLength(1), data.GetLength(2));
    }

    /// <summary>A 0-dimensional tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(float value) => new(Device.Cpu.Backend.Upload([value]), []);

    /// <summary>A 0-dimensional tensor holding <paramref name="value"/>, made on <paramref name="device"/> by a fill (nothing crosses from the host).</summary>
    public static Tensor Scalar(float value, Device device) => Full(value, [], device);

    /// <summary>A scalar tensor, so that <c>Tensor t = 2f;</c> and <c>x[0] = 1f;</c> read naturally.</summary>
    public static implicit operator Tensor(float value) => Scalar(value);

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => Zeros(shape, Device.Cpu);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    /// <summary>A tensor of zeros on <paramref name="device"/>, allocated there: <c>Tensor.Zeros([2, 3], Device.Gpu)</c>.</summary>
    public static Tensor Zeros(int[] shape, Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return Empty(Shapes.Validate("Zeros", (int[])shape.Clone()), device);
    }

    /// <summary>A tensor of ones on <paramref name="device"/>, filled there.</summary>
    public static Tensor Ones(int[] shape, Device device) => Full(1f, shape, device);

    /// <summary>A tensor with every element equal to <paramref name="value"/>.</summary>
    public static Tensor Full(float value, params int[] shape) => Full(value, shape, Device.Cpu);

    /// <summary>A tensor with every element equal to <paramref name="value"/> on <paramref name="device"/>, filled there.</summary>
    public static Tensor Full(float value, int[] shape, Device device)
    {
        var t = Zeros(shape, device);
        if (value != 0) t.Backend.Fill(t.storage, t.Layout, value);
        return t;
    }

    /// <summary>Zeros with the shape and device of <paramref name="like"/>.</summary>
    public static Tensor ZerosLike(Tensor like) => Empty(like.Shape, like.Device);

    /// <summary>Ones with the shape and device of <paramref name="like"/>.</summary>
    public static Tensor OnesLike(Tensor like) => FullLike(like, 1f);

    /// <summary>A constant with the shape and device of <paramref name="like"/>.</summary>
    public static Tensor FullLike(Tensor like, float value)
    {
        var t = Empty(like.Shape, like.Device);
        t.Backend.Fill(t.storage, t.Layout, value);
        return t;
    }

    /// <summary>
    /// <c>[start, start + step, …]</c> up to but excluding <paramref name="end"/>, as PyTorch's <c>arange</c>: the length
    /// is <c>⌈(end − start) / step⌉</c> (0 when negative) and element i is <c>start + i·step</c>, both computed in float64.
    /// </summary>
    public static Tensor Arange(float start, float end, float step = 1)
    {
        if (step == 0 || !float.IsFinite(step) || !float.IsFinite(start) || !float.IsFinite(end))
            throw new ArgumentException($"Arange: start, end and step must be finite and step non-zero, got start {start}, end {end}, step {step}.");
        int n = (int)Math.Max(0, Math.Ceiling(((double)end - start) / step));
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (float)(start + (double)i * step);
        return FromArray(data, n);
    }

    /// <summary><see cref="Arange(float, float, float)"/> made on <paramref name="device"/>.</summary>
    public static Tensor Arange(float start, float end, float step, Device device) => Arange(start, end, step).To(device);

    /// <summary><c>[0, 1, …]</c> up to but excluding <paramref name="end"/>: <c>Arange(4f)</c> is <c>[0, 1, 2, 3]</c>, <c>Arange(2.5f)</c> is <c>[0, 1, 2]</c>.</summary>
    public static Tensor Arange(float end) => Arange(0, end);

    /// <summary><c>[0, 1, …, end − 1]</c>.</summary>
    public static Tensor Arange(int end) => Arange(0, end);

    /// <summary>
    /// One-hot rows of class indices (PyTorch's <c>F.one_hot</c>): for <paramref name="indices"/> of shape [d…] holding
    /// integers in [0, C), a tensor [d…, C] with <c>out[…, c] = 1 if indices[…] = c else 0</c>, on the indices' device.
    /// <paramref name="numClasses"/> C defaults (−1) to <c>max(indices) + 1</c>. Not differentiable (indices are labels).
    /// </summary>
    public static Tensor OneHot(Tensor indices, int numClasses = -1)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (numClasses < -1) throw new ArgumentOutOfRangeException(nameof(numClasses), $"OneHot: numClasses must be ≥ 0, or −1 to infer it, got {numClasses}.");
        var values = indices.ToArray();
        foreach (float v in values)
            if (v != MathF.Floor(v) || v < 0 || (numClasses >= 0 && v >= numClasses))
                throw new ArgumentOutOfRangeException(nameof(indices), numClasses >= 0
                    ? $"OneHot: index {v} is not a class index in [0, {numClasses - 1}]."
                    : $"OneHot: index {v} is not a class index (a non-negative integer).");
        int classes = numClasses >= 0 ? numClasses : values.Length == 0 ? 0 : (int)values.Max() + 1;
        var data = new float[values.Length * classes];
        for (int i = 0; i < values.Length; i++) data[i * classes + (int)values[i]] = 1;
        return FromArray(data, [.. indices.Shape, classes], indices.Device);
    }

    /// <summary><paramref name="steps"/> evenly spaced values from <paramref name="start"/> to <paramref name="end"/> inclusive.</summary>
    public static Tensor Linspace(float start, float end, int steps)
    {
        if (steps < 0) throw new ArgumentException($"Linspace: steps must be non-negative, got {steps}.");
        var data = new float[steps];
        for (int i = 0; i < steps; i++) data[i] = steps == 1 ? start : start + (end - start) * i / (steps - 1);
        return FromArray(data, steps);
    }

    /// <summary><see cref="Linspace(float, float, int)"/> made on <paramref name="device"/>.</summary>
    public static Tensor Linspace(float start, float end, int steps, Device device) => Linspace(start, end, steps).To(device);

    /// <summary>The n×n identity matrix on <paramref name="device"/> (n×m when <paramref name="m"/> is given).</summary>
    public static Tensor Eye(int n, int? m, Device device) => Eye(n, m).To(device);

    /// <summary>The n×n identity matrix (n×m when <paramref name="m"/> is given).</summary>
    public static Tensor Eye(int n, int? m = null)
    {
        int cols = m ?? n;
        var data = new float[n * cols];
        for (int i = 0; i < Math.Min(n, cols); i++) data[i * cols + i] = 1;
        return FromArray(data, n, cols);
    }

    /// <summary>
    /// Draws from U[0, 1) on the CPU, from <see cref="Rng"/>'s own sequence (as PyTorch's CPU generator differs from its
    /// CUDA one). For the same numbers on every device, use <see cref="Rand(int[], Device)"/>.
    /// </summary>
    public static Tensor Rand(params int[] shape)
    {
        var data = new float[Shapes.Count(Shapes.Validate("Rand", shape))];
        Rng.Uniform(data);
        return FromArray(data, shape);
    }

    /// <summary>
    /// Draws from U[0, 1), made on <paramref name="device"/>: one key is drawn from <see cref="Rng"/>, and element i is
    /// the Philox4x32-10 draw i under that key, so after the same <c>Rng.Seed</c> every device (the CPU too, given as
    /// <c>Device.Cpu</c>) gives the same numbers.
    /// </summary>
    public static Tensor Rand(int[] shape, Device device) => RandomFill("Rand", shape, device, Backends.RandomDistribution.Uniform, 0, 1);

    /// <summary>Draws from N(0, 1) on the CPU, from <see cref="Rng"/>'s own sequence; <see cref="Randn(int[], Device)"/> draws the same numbers on every device.</summary>
    public static Tensor Randn(params int[] shape)
    {
        var data = new float[Shapes.Count(Shapes.Validate("Randn", shape))];
        Rng.Normal(data);
        return FromArray(data, shape);
    }

    /// <summary>Draws from N(0, 1), made on <paramref name="device"/> as <see cref="Rand(int[], Device)"/> is (by inverting the normal CDF).</summary>
    public static Tensor Randn(int[] shape, Device device) => RandomFill("Randn", shape, device, Backends.RandomDistribution.Normal, 0, 1);

    private static Tensor RandomFill(string op, int[] shape, Device device, Backends.RandomDistribution distribution, float p, float q)
    {
        ArgumentNullException.ThrowIfNull(device);
        var t = Uninitialized(Shapes.Validate(op, (int[])shape.Clone()), device, op);
        if (t.NumEl > 0) t.Backend.RandomFill(t.storage, distribution, Rng.NextSeed(), p, q);
        return t;
    }

    /// <summary>Integers drawn uniformly from [low, high) on <paramref name="device"/>: <c>⌊low + (high − low)·u⌋</c> of <see cref="Rand(int[], Device)"/>'s u.</summary>
    public static Tensor RandInt(int low, int high, int[] shape, Device device)
    {
        if (high <= low) throw new ArgumentOutOfRangeException(nameof(high), $"RandInt: high ({high}) must be greater than low ({low}).");
        var t = RandomFill("RandInt", shape, device, Backends.RandomDistribution.Uniform, low, high);
        var integers = t.Floor();
        // float rounding of low + (high − low)·u can reach high itself for the largest u.
        return Minimum(integers, Scalar(high - 1, device));
    }

    /// <summary>Integers drawn uniformly from [low, high), stored as floats (class labels, token ids), on the CPU from <see cref="Rng"/>'s own sequence.</summary>
    public static Tensor RandInt(int low, int high, params int[] shape)
    {
        var data = new float[Shapes.Count(Shapes.Validate("RandInt", shape))];
        for (int i = 0; i < data.Length; i++) data[i] = Rng.Int(low, high);
        return FromArray(data, shape);
    }
}
