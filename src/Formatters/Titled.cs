// A picture under a title of the caller's: Picture.Titled(recorder, "Sigmoid network") draws the recorder's chart with
// that title instead of its default one.
namespace DeepLearnKit.Formatters;

/// <summary><paramref name="Value"/> drawn as its usual picture, titled <paramref name="Title"/>.</summary>
/// <param name="Value">Anything DeepLearnKit draws (a tensor, a model, a history, a recorder, a confusion matrix, a figure, …).</param>
/// <param name="Title">The title the picture shows instead of its default one.</param>
public sealed record Titled(object Value, string Title)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Title}: {DeepLearnKitFormatters.ToText(Value) ?? Value}";
}
