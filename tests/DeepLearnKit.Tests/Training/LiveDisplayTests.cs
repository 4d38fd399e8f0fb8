// Fit shows its History on the installed display surface and redraws that same display in place; with no surface,
// or with live: false, nothing is shown.
using DeepLearnKit.Display;
using DeepLearnKit.Optim;
using DeepLearnKit.Training;
using static DeepLearnKit.Tests.Training.TrainingData;

namespace DeepLearnKit.Tests.Training;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DisplaySurfaceCollection
{
    public const string Name = "Tests that install a display surface";
}

[Collection(DisplaySurfaceCollection.Name)]
public class LiveDisplayTests
{
    private sealed class RecordingSurface : IDisplaySurface
    {
        public List<Handle> Shown { get; } = [];

        public IDisplayHandle Display(object value)
        {
            var handle = new Handle(value);
            Shown.Add(handle);
            return handle;
        }

        public sealed class Handle(object first) : IDisplayHandle
        {
            public object First { get; } = first;
            public List<(object Value, int Epochs)> Updates { get; } = [];

            public void Update(object value) => Updates.Add((value, ((History)value).EpochLoss.Count));
        }
    }

    private static History FitWith(IDisplaySurface? surface, bool live, int epochs, TimeSpan? interval = null)
    {
        var previous = DisplaySurface.Current;
        DisplaySurface.Current = surface;
        try
        {
            var model = FixedLinear(2, 1);
            ICallback[] callbacks = interval is { } gap ? [new LiveDisplay(gap)] : [];
            return model.Fit(Regression(), MSE, new SGD(model.Parameters(), learningRate: 0.1), epochs, callbacks: callbacks, live: live);
        }
        finally
        {
            DisplaySurface.Current = previous;
        }
    }

    [Fact]
    public void Fit_displays_its_history_once_and_updates_that_display_after_each_epoch()
    {
        var surface = new RecordingSurface();
        var history = FitWith(surface, live: true, epochs: 3);

        var shown = Assert.Single(surface.Shown);
        Assert.Same(history, shown.First);
        Assert.All(shown.Updates, u => Assert.Same(history, u.Value));
        // Each epoch's end redraws with that epoch recorded; the final redraw sees all three.
        var epochsAtUpdates = shown.Updates.Select(u => u.Epochs).ToList();
        foreach (int e in new[] { 1, 2, 3 }) Assert.Contains(e, epochsAtUpdates);
        Assert.Equal(3, epochsAtUpdates[^1]);
        Assert.True(epochsAtUpdates.SequenceEqual(epochsAtUpdates.Order()), "updates go forward in time");
    }

    [Fact]
    public void Step_updates_are_throttled_by_the_minimum_interval()
    {
        // Four steps per epoch; an interval of zero redraws after every step, an hour only at epoch ends and the end.
        var everyStep = new RecordingSurface();
        FitWith(everyStep, live: true, epochs: 2, interval: TimeSpan.Zero);
        var hourly = new RecordingSurface();
        FitWith(hourly, live: true, epochs: 2, interval: TimeSpan.FromHours(1));

        Assert.Equal(2 * 4 + 2 + 1, Assert.Single(everyStep.Shown).Updates.Count);
        Assert.Equal(2 + 1, Assert.Single(hourly.Shown).Updates.Count);
    }

    [Fact]
    public void Nothing_is_shown_without_a_surface_or_with_live_off()
    {
        var surface = new RecordingSurface();
        FitWith(surface, live: false, epochs: 1);
        Assert.Empty(surface.Shown);

        var history = FitWith(null, live: true, epochs: 1);
        Assert.Single(history.EpochLoss);
    }
}
