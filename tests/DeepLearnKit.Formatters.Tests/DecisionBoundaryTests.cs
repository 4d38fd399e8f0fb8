// The decision-boundary picture: p(y = 1 | x) on a grid around the points, each grid value the classifier's own, the
// points split by class, and a static form that names the axes and both classes.
using DeepLearnKit.Tests.Shared;
using static DeepLearnKit.Formatters.Tests.TestSupport;

namespace DeepLearnKit.Formatters.Tests;

[Collection(StaticStateCollection.Name)]
public sealed class DecisionBoundaryTests : IDisposable
{
    public DecisionBoundaryTests() => ResetStaticState();

    public void Dispose() => ResetStaticState();

    private static readonly Tensor Points = Tensor.FromArray(new float[,] { { -1, 0 }, { 0, 2 }, { 1, -1 }, { 3, 1 } });
    private static readonly Tensor Labels = Tensor.FromArray([0f, 0, 1, 1]);

    // p(y = 1 | x) = σ(x₁ − x₂): a linear classifier whose boundary is the line x₁ = x₂.
    private static Tensor Logistic(Tensor x) => (x.Select(1, 0) - x.Select(1, 1)).Sigmoid();

    [Fact]
    public void The_grid_spans_the_points_with_padding_and_holds_the_classifiers_probabilities()
    {
        var boundary = DecisionBoundary.Of(Logistic, Points, Labels, resolution: 11, padding: 0.1);
        Assert.Equal(11, boundary.X.Count);
        Assert.Equal(-1 - 0.4, boundary.X[0], 6);   // x₁ spans [−1, 3]: 0.1 of 4 on each side
        Assert.Equal(3 + 0.4, boundary.X[^1], 6);
        Assert.Equal(-1 - 0.3, boundary.Y[0], 6);   // x₂ spans [−1, 2]
        Assert.Equal(2 + 0.3, boundary.Y[^1], 6);
        for (int i = 0; i < 11; i += 3)
            for (int j = 0; j < 11; j += 2)
                Assert.Equal(1 / (1 + Math.Exp(-(boundary.X[j] - boundary.Y[i]))), boundary.Z[i][j], 5);
    }

    [Fact]
    public void It_draws_a_contour_of_the_probability_and_each_class_as_its_own_markers()
    {
        var boundary = DecisionBoundary.Of(Logistic, Points, Labels, ["cats", "dogs"], resolution: 20);
        var figure = SingleFigure(HtmlOf(boundary));
        var data = figure.GetProperty("data");
        Assert.Equal("contour", data[0].GetProperty("type").GetString());
        Assert.Equal(boundary.Z[5][7], data[0].GetProperty("z")[5][7].GetDouble());
        Assert.Equal("cats", data[1].GetProperty("name").GetString());
        Assert.Equal(new double[] { -1, 0 }, Numbers(data[1].GetProperty("x")));
        Assert.Equal(new double[] { 0, 2 }, Numbers(data[1].GetProperty("y")));
        Assert.Equal("dogs", data[2].GetProperty("name").GetString());
        Assert.Equal(new double[] { 1, 3 }, Numbers(data[2].GetProperty("x")));
        Assert.Equal("#ffffff", data[2].GetProperty("marker").GetProperty("line").GetProperty("color").GetString());
        Assert.Contains("Decision boundary", figure.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("h", figure.GetProperty("layout").GetProperty("legend").GetProperty("orientation").GetString());   // a row under the plot, clear of the colour bar
        Assert.Contains("2 cats and 2 dogs points", TextOf(boundary));
    }

    [Fact]
    public void Its_static_form_has_the_title_axes_and_both_classes_in_the_legend()
    {
        var html = HtmlOf(Picture.Titled(DecisionBoundary.Of(Logistic, Points, Labels, ["cats", "dogs"]), "Logistic regression on two blobs"));
        var chart = Assert.Single(StaticCharts.Read(html));
        StaticCharts.AssertComplete(chart);
        Assert.Equal("Logistic regression on two blobs", chart.Title);
        Assert.Equal(["cats", "dogs"], chart.TextsIn("dlk-legend"));
        Assert.Contains("stroke=\"#ffffff\"", chart.Svg);   // outlined markers, visible over the surface
    }

    [Fact]
    public void Bad_inputs_are_refused_with_the_shapes_named()
    {
        var e = Assert.Throws<ArgumentException>(() => DecisionBoundary.Of(Logistic, Tensor.Zeros(4, 3), Labels));
        Assert.Contains("[4, 3]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => DecisionBoundary.Of(Logistic, Points, Tensor.FromArray([0f, 1, 2, 1])));
        var count = Assert.Throws<ArgumentException>(() => DecisionBoundary.Of(x => Tensor.Zeros(3), Points, Labels, resolution: 5));
        Assert.Contains("25 grid points", count.Message);
    }
}
