// What `using DeepLearnKit.Formatters;` brings: every picture the README names, so a chapter needs no sub-namespace
// (AttentionMap was once out of reach from the README's usings).
using DeepLearnKit.Training;

namespace DeepLearnKit.Formatters.Tests;

public class NamespaceTests
{
    [Theory]
    [InlineData(typeof(Picture))]
    [InlineData(typeof(Titled))]
    [InlineData(typeof(ComputationGraph))]
    [InlineData(typeof(GraphNode))]
    [InlineData(typeof(ImageGrid))]
    [InlineData(typeof(AttentionMap))]
    [InlineData(typeof(Trajectories))]
    [InlineData(typeof(Trajectory))]
    [InlineData(typeof(DecisionBoundary))]
    public void Every_picture_a_chapter_makes_is_in_the_formatters_root_namespace(Type picture) =>
        Assert.Equal("DeepLearnKit.Formatters", picture.Namespace);

    [Theory]
    [InlineData(typeof(History))]
    [InlineData(typeof(GradientFlowRecorder))]
    [InlineData(typeof(ConfusionMatrix))]
    [InlineData(typeof(RocCurve))]
    [InlineData(typeof(LRFinderResult))]
    public void The_engine_objects_the_readme_draws_come_with_using_DeepLearnKit_Training(Type drawn) =>
        Assert.Equal("DeepLearnKit.Training", drawn.Namespace);
}
