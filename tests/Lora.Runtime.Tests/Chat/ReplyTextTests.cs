using System.Text;
using Lora.Runtime.Chat;
using Lora.Runtime.Tokenization;

namespace Lora.Runtime.Tests.Chat;

/// <summary>
/// A streamed reply's text: whole characters only (a byte-level tokenizer splits é into two tokens), and stop sequences
/// found across token boundaries without their text, whatever the grouping of ids.
/// </summary>
public sealed class ReplyTextTests : IDisposable
{
    readonly TempFolder _folder = new();
    readonly ModelTokenizer _tokenizer;

    public ReplyTextTests()
    {
        Cli.SmallByteLevelTokenizer.WriteTo(_folder.Path);
        _tokenizer = ModelTokenizer.Load(_folder.Path);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_character_split_across_tokens_comes_whole()
    {
        var ids = _tokenizer.Encode("café!", addBos: false);
        Assert.True(ids.Count >= 6, "é should take two byte-level tokens");
        var text = new ReplyText(_tokenizer, []);
        var pieces = ids.Select(text.Add).ToList();
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
        Assert.Contains("é", pieces);                // released with its second byte, not before
        Assert.Equal("", pieces[ids.Count - 3]);     // é's first byte alone: held back
        Assert.Equal("café!", string.Concat(pieces) + text.Flush());
    }

    [Fact]
    public void An_incomplete_character_at_the_end_is_released_as_the_decoder_reads_it()
    {
        var ids = _tokenizer.Encode("aé", addBos: false).ToList();
        var text = new ReplyText(_tokenizer, []);
        Assert.Equal("a", text.Add(ids[0]));
        Assert.Equal("", text.Add(ids[1]));   // é's first byte, and the reply ends there
        Assert.Equal(_tokenizer.Decode(ids.Take(2)), "a" + text.Flush());
    }

    [Theory]
    [InlineData("hello world, and more", "o w", "hell")]
    [InlineData("hello world, and more", "ld,", "hello wor")]
    [InlineData("hello world, and more", "and", "hello world, ")]
    [InlineData("hello world", "xyz", "hello world")]
    public void A_stop_sequence_across_tokens_ends_the_text_before_it(string reply, string stop, string expected)
    {
        var ids = _tokenizer.Encode(reply, addBos: false);
        var text = new ReplyText(_tokenizer, ["zzz", stop]);
        var released = new StringBuilder();
        foreach (int id in ids)
        {
            released.Append(text.Add(id));
            Assert.DoesNotContain(stop, released.ToString());
            if (text.Stopped) break;
        }
        released.Append(text.Flush());
        Assert.Equal(expected, released.ToString());
        Assert.Equal(reply.Contains(stop), text.Stopped);
    }

    [Fact]
    public void Text_that_may_begin_a_stop_sequence_waits_until_it_does_not()
    {
        var ids = _tokenizer.Encode("abcabd", addBos: false);
        var text = new ReplyText(_tokenizer, ["abd"]);
        var pieces = ids.Select(text.Add).ToList();
        Assert.Equal(["", "", "abc", "", "", ""], pieces);
        Assert.True(text.Stopped);
        Assert.Equal("abc", text.Released);

        var unfinished = new ReplyText(_tokenizer, ["abd"]);
        foreach (int id in _tokenizer.Encode("xab", addBos: false)) unfinished.Add(id);
        Assert.Equal("x", unfinished.Released);
        Assert.Equal("ab", unfinished.Flush());   // never completed: the reply's own text
    }
}
