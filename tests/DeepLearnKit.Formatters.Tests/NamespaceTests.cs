// What `using DeepLearnKit.Formatters;` brings: every picture the README names, so a chapter needs no sub-namespace
// (AttentionMap was once out of reach from the README's usings).
using DeepLearnKit.Optim;
using DeepLearnKit.Training;

namespace DeepLearnKit.Formatters.Tests;

public class NamespaceTests
{
    [Theory]
    [InlineData(typeof(Picture))]
    [InlineData(typeof(Titled))]
    [InlineData(typeof(ImageGrid))]
    [InlineData(typeof(AttentionMap))]
    [InlineData(typeof(Trajectories))]
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

    // Engine logic stays in the engine: the autograd walk beside GradFn, the optimizer's path beside the optimizers.
    [Theory]
    [InlineData(typeof(ComputationGraph), "DeepLearnKit")]
    [InlineData(typeof(GraphNode), "DeepLearnKit")]
    [InlineData(typeof(Trajectory), "DeepLearnKit.Optim")]
    public void Engine_records_the_pictures_draw_live_in_the_engine(Type record, string expectedNamespace)
    {
        Assert.Equal(expectedNamespace, record.Namespace);
        Assert.Equal(typeof(Tensor).Assembly, record.Assembly);
    }
}
