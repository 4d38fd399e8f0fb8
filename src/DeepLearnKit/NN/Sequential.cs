// A chain of modules: the output of each is the input of the next.
namespace DeepLearnKit.NN;

/// <summary><c>Sequential(a, b, c).Forward(x) = c(b(a(x)))</c>; children are named 0, 1, 2, … as in PyTorch.</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> layers = [];

    /// <summary>A chain of <paramref name="modules"/>, in order.</summary>
    public Sequential(params Module[] modules)
    {
        foreach (var m in modules) Add(m);
    }

    /// <summary>Appends a module (named by its position).</summary>
    public Sequential Add(Module module)
    {
        layers.Add(RegisterModule(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module));
        return this;
    }

    /// <summary>The layer at <paramref name="index"/>.</summary>
    public Module this[int index] => layers[index];

    /// <summary>The number of layers.</summary>
    public int Count => layers.Count;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var layer in layers) x = layer.Call(x);
        return x;
    }
}
