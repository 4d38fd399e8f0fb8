// The character corpus: vocabulary round trips, next-character windows, the unigram entropy against a hand
// computation, and the real word list from the Debian package wamerican.
using DeepLearnKit.Data;
using DeepLearnKit.Text;

namespace DeepLearnKit.Tests.Data;

public class CharCorpusTests
{
    [Fact]
    public void Encode_then_decode_gives_the_text_back()
    {
        var corpus = new CharCorpus(["hello", "world"]);
        Assert.Equal("hello\nworld\n", corpus.Text);
        Assert.Equal(["\n", "d", "e", "h", "l", "o", "r", "w"], corpus.Vocabulary.Tokens);
        var ids = corpus.Vocabulary.Encode("lower\n");
        Assert.Equal([4, 5, 7, 2, 6, 0], ids);
        Assert.Equal("lower\n", corpus.Vocabulary.Decode(ids));
        Assert.Equal("held", corpus.Vocabulary.Decode(Tensor.FromArray([3f, 2, 4, 1])));
        Assert.Equal(corpus.Text, corpus.Vocabulary.Decode(corpus.Ids));

        var error = Assert.Throws<ArgumentException>(() => corpus.Vocabulary.Encode("hex"));
        Assert.Contains("'x'", error.Message);
        Assert.Contains("position 2", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => corpus.Vocabulary.Decode([8]));
    }

    [Fact]
    public void Sequences_are_windows_whose_targets_are_shifted_by_one()
    {
        var corpus = new CharCorpus(["abc", "de"]); // "abc\nde\n": ids a=1 b=2 c=3 d=4 e=5 \n=0
        var windows = corpus.Sequences(length: 3);
        Assert.Equal([2, 3], windows.Inputs.Shape);
        Assert.Equal([1f, 2, 3, 0, 4, 5], windows.Inputs.ToArray());
        Assert.Equal([2f, 3, 0, 4, 5, 0], windows.Targets.ToArray());

        var overlapping = corpus.Sequences(length: 3, stride: 1);
        Assert.Equal([4, 3], overlapping.Inputs.Shape);
        Assert.Equal("de\n", corpus.Vocabulary.Decode(overlapping.Targets[3]));
        Assert.Throws<ArgumentException>(() => corpus.Sequences(length: 7));
    }

    [Fact]
    public void Unigram_entropy_matches_a_hand_computation()
    {
        // "ab\na\n": p(a) = 2/5, p(\n) = 2/5, p(b) = 1/5.
        var corpus = new CharCorpus(["ab", "a"]);
        double expected = -(2 * 0.4 * Math.Log(0.4) + 0.2 * Math.Log(0.2));
        Assert.Equal(expected, corpus.UnigramEntropy(), 12);
        Assert.Equal(0, new CharCorpus(["", "", ""]).UnigramEntropy());
    }

    [Fact]
    public void The_system_word_list_gives_26_letters_and_the_word_end()
    {
        if (!File.Exists(CharCorpus.DefaultWordList))
            Assert.Fail($"{CharCorpus.DefaultWordList} is missing: run scripts/install-prerequisites.sh (it installs the Debian package wamerican).");
        var corpus = CharCorpus.FromFile();
        Assert.Equal(27, corpus.Vocabulary.VocabularySize);
        Assert.Equal("\nabcdefghijklmnopqrstuvwxyz", string.Concat(corpus.Vocabulary.Tokens));
        Assert.True(corpus.WordCount > 50_000, $"only {corpus.WordCount} words");
        // English letters are far from uniform: below ln 27 ≈ 3.30, above 2.5 nats.
        Assert.InRange(corpus.UnigramEntropy(), 2.5, Math.Log(27) - 0.1);
    }

    [Fact]
    public void A_word_file_is_lower_cased_and_filtered()
    {
        using var folder = new TempFolder();
        File.WriteAllLines(folder["words"], ["Apple", "apple's", "Ångström", "zebra", ""]);
        var corpus = CharCorpus.FromFile(folder["words"]);
        Assert.Equal("apple\nzebra\n", corpus.Text);
        Assert.Equal(2, corpus.WordCount);
        var error = Assert.Throws<FileNotFoundException>(() => CharCorpus.FromFile(folder["none"]));
        Assert.Contains(folder["none"], error.Message);
    }
}
