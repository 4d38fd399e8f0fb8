// Chapter 10's claims, read from the executed chapter: the reloaded model computes what the trained one did, transfer
// from the pretrained LeNet-5 beats training from scratch on the same 500 images, frozen features reach the stated
// floor and stay unchanged, a state dict loads by its names, and PyTorch's own LeNet5
// export loads and matches its outputs while a mismatched name or shape is a clear error.
using System.Text.RegularExpressions;

namespace DeepLearnKit.Cli.Tests.Book;

public partial class ChapterBookTests
{
    [Fact]
    public void Chapter_10s_transfer_beats_training_from_scratch_and_frozen_features_reach_the_floor_of_88_percent()
    {
        string text = ExecutedText("10-transfer.ipynb");
        var accuracies = Regex.Match(text, @"on 500 images: from scratch (0\.\d+), frozen features (0\.\d+), fine-tuned (0\.\d+)");
        Assert.True(accuracies.Success, "chapter 10 prints the three runs' target test accuracies:\n" + text);
        double scratch = Number(accuracies, 1), frozen = Number(accuracies, 2), fineTuned = Number(accuracies, 3);
        Assert.True(frozen > scratch && fineTuned > scratch, $"transfer vs scratch: {accuracies.Value}");
        Assert.True(frozen >= 0.88, $"frozen features: {frozen}, below the floor of 0.88");
        Assert.Contains("transfer beats scratch", text);
        Assert.Contains("the frozen features are bit for bit as loaded after training", text);
    }

    [Fact]
    public void Chapter_10s_saved_and_name_matched_models_compute_exactly_what_the_trained_one_did()
    {
        string text = ExecutedText("10-transfer.ipynb");
        Assert.Matches(@"10 tensors, \d+ KiB; the reloaded model's outputs differ by 0 \(exactly equal\)", text);
        Assert.Contains("every one of the 10 names matched; the outputs differ by 0", text);
        Assert.Contains("class LeNet5(nn.Module):", text);   // the PyTorch code quoted from make_state_dicts.py
        var pytorch = Regex.Match(text, @"PyTorch's LeNet5 loaded by name: on its stored input \[2, 1, 28, 28\] the outputs differ from PyTorch's by at most (\S+)");
        Assert.True(pytorch.Success && Number(pytorch, 1) < 1e-4, "the PyTorch state dict:\n" + text);
        Assert.Matches(@"10-class file into a 5-class model: \w+: .*head\.5\.weight", text);
        Assert.Matches(@"a misspelled name: \w+: .*head\.1\.weights", text);
        Assert.Contains("the 5-class model is unchanged after the failed load: True", text);
        var source = Regex.Match(text, @"source test accuracy (0\.\d+)");
        Assert.True(source.Success && Number(source, 1) >= 0.8, $"the pretrained LeNet-5 learned its source classes: {source.Value}");
        var keras = Regex.Match(text, @"frozen base \+ Dense\(5\), 5 epochs: target test accuracy (0\.\d+); 2005 of 4577 parameters trainable");
        Assert.True(keras.Success && Number(keras, 1) >= 0.8, $"the Keras-shaped frozen base trains its Dense head: {keras.Value}");
    }
}
