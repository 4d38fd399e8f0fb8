// Chapter 07's claims, read from the executed chapter: the hand RNN and LSTM agree with the library's layers and with
// the gate record drawn from them, the LSTM beats the last-value baseline on sines, the char-LM's loss is below the
// unigram entropy, the temperature orders the sampling entropy, the gradient vanishes, survives and explodes as stated, and clipping tames the exploding run.
using System.Text.RegularExpressions;

namespace DeepLearnKit.Cli.Tests.Book;

public partial class ChapterBookTests
{
    [Fact]
    public void Chapter_07s_recurrent_claims_hold_in_its_printed_numbers()
    {
        string text = ExecutedText("07-rnn.ipynb");

        var rnn = Regex.Match(text, @"the loop and RNN agree to (\S+) at every step");
        Assert.True(rnn.Success && Number(rnn, 1) <= 1e-5, "the hand RNN vs RNN:\n" + text);

        var sine = Regex.Match(text, @"sine test MSE (\S+); repeating the last value gives (\S+) ");
        Assert.True(sine.Success, "chapter 07 prints the sine MSEs:\n" + text);
        Assert.True(Number(sine, 1) * 10 <= Number(sine, 2), sine.Value);

        var entropy = Regex.Match(text, @"unigram entropy (\d\.\d+) nats \(uniform over 27 characters: (\d\.\d+)\)");
        var lm = Regex.Match(text, @"char-LM held-out loss (\d\.\d+) nats per character, below the unigram entropy (\d\.\d+)");
        Assert.True(entropy.Success && lm.Success, "chapter 07 prints the entropy and the char-LM's loss:\n" + text);
        Assert.True(Number(entropy, 1) < Number(entropy, 2), entropy.Value);
        Assert.Equal(Number(entropy, 1), Number(lm, 2), 4);
        Assert.True(Number(lm, 1) < Number(lm, 2), lm.Value);

        var temperature = Regex.Match(text, @"τ = 0\.5: (\d\.\d+), τ = 1: (\d\.\d+), τ = 1\.5: (\d\.\d+)");
        Assert.True(temperature.Success, "the sampling entropies:\n" + text);
        Assert.True(Number(temperature, 1) < Number(temperature, 2) && Number(temperature, 2) < Number(temperature, 3), temperature.Value);

        var lstm = Regex.Match(text, @"the hand LSTM agrees with LSTMCell to (\S+) and with the model's LSTM to (\S+)");
        Assert.True(lstm.Success && Number(lstm, 1) <= 1e-5 && Number(lstm, 2) <= 1e-4, "the hand LSTM:\n" + text);
        var record = Regex.Match(text, @"the gate record's h_t agrees with the model's LSTM to (\S+)");
        Assert.True(record.Success && Number(record, 1) <= 1e-4, "the gate record:\n" + text);
        Assert.Contains("LstmGateRecord(the char-LM's LSTM over \"unbelievably\", 14 steps × ", text);   // the gates picture

        var ratios = Regex.Match(text, @"over 60 steps: tanh RNN (\S+), LSTM (\S+), ReLU RNN with large W_hh (\S+)");
        Assert.True(ratios.Success, "the gradient ratios:\n" + text);
        Assert.True(Number(ratios, 1) < 1e-3, ratios.Value);
        Assert.True(Number(ratios, 2) > 100 * Number(ratios, 1), ratios.Value);
        Assert.True(Number(ratios, 3) > 1e3, ratios.Value);
        Assert.Matches(@"GradientThroughTime\(‖∂L/∂h_1‖ / ‖∂L/∂h_T‖: tanh RNN \S+, LSTM \(forget bias 1\) \S+, ReLU RNN, large W_hh \S+\)", text);   // the log-scale chart

        var unclipped = Regex.Match(text, @"without clipping: loss (\S+) → (\S+) ");
        var clipped = Regex.Match(text, @"clipped at 1: +loss (\S+) → (\S+)");
        Assert.True(unclipped.Success && clipped.Success, "the clipping runs:\n" + text);
        Assert.True(Number(clipped, 2) < Number(clipped, 1), clipped.Value);
        Assert.True(double.IsNaN(Number(unclipped, 2)) || Number(unclipped, 2) > Number(clipped, 2), unclipped.Value + " / " + clipped.Value);
    }
}
