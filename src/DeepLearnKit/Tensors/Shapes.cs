// Shape arithmetic shared by every op: counting, broadcasting, dimension checks, printing.
namespace DeepLearnKit;

/// <summary>Helpers on shapes (int arrays). Errors name the op and the shapes involved.</summary>
internal static class Shapes
{
    /// <summary>
    /// The number of elements, <c>Π shape[k]</c>, in 64 bits: a broadcast view may hold more elements than any
    /// array. Throws naming <paramref name="op"/> when even 64 bits overflow.
    /// </summary>
    public static long Count(int[] shape, string op = "NumEl")
    {
        if (Array.IndexOf(shape, 0) >= 0) return 0;
        try
        {
            long n = 1;
            foreach (int d in shape) n = checked(n * d);
            return n;
        }
        catch (OverflowException)
        {
            throw new ArgumentException($"{op}: shape {Format(shape)} has more than {long.MaxValue} elements.");
        }
    }

    /// <summary>
    /// <c>Π shape[k]</c> when it is at most <paramref name="limit"/>, else null: how a reader checks sizes a file
    /// declares. A zero size anywhere gives 0, however large the others; the product never overflows.
    /// </summary>
    public static long? CountWithin(int[] shape, long limit)
    {
        if (Array.IndexOf(shape, 0) >= 0) return 0;
        long n = 1;
        foreach (int d in shape)
            if ((n *= d) > limit) return null;
        return n;
    }

    /// <summary>
    /// The element count of a shape whose elements are stored, so it fits one array: a new tensor's, or part of a
    /// packed tensor's. Throws naming <paramref name="op"/> when a storage of <paramref name="shape"/> cannot exist.
    /// </summary>
    public static int StorageLength(string op, int[] shape)
    {
        long n = Count(shape, op);
        if (n > Array.MaxLength)
            throw new ArgumentException(
                $"{op}: a tensor of shape {Format(shape)} has {n} elements, more than one storage holds ({Array.MaxLength}).");
        return (int)n;
    }

    public static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";

    public static bool Equal(int[] a, int[] b) => a.AsSpan().SequenceEqual(b);

    /// <summary>Maps a possibly negative dim to [0, rank), or throws naming the op.</summary>
    public static int NormalizeDim(string op, int dim, int rank)
    {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= Math.Max(rank, 1) || (rank == 0 && dim != 0 && dim != -1))
            throw new ArgumentOutOfRangeException(nameof(dim), $"{op}: dimension {dim} is out of range for a tensor of rank {rank}.");
        return d;
    }

    /// <summary>
    /// NumPy broadcasting: align shapes on the right; each pair of sizes must be equal or one of them 1.
    /// </summary>
    public static int[] Broadcast(string op, int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int k = 0; k < rank; k++)
        {
            int da = k - (rank - a.Length) >= 0 ? a[k - (rank - a.Length)] : 1;
            int db = k - (rank - b.Length) >= 0 ? b[k - (rank - b.Length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: shapes {Format(a)} and {Format(b)} cannot be broadcast together (dimension {k} is {da} vs {db}).");
            result[k] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>Checks a shape's sizes are non-negative.</summary>
    public static int[] Validate(string op, int[] shape)
    {
        foreach (int d in shape)
            if (d < 0) throw new ArgumentException($"{op}: sizes must be non-negative, got {Format(shape)}.");
        return shape;
    }
}
