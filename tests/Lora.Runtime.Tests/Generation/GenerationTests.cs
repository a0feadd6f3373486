using Lora.Runtime.Generation;
using Lora.Runtime.Models;
using Lora.Runtime.Peft;
using Lora.Runtime.Tests.Parity;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Generation;

public class GenerationTests
{
    static CausalLanguageModel Model()
    {
        var model = ModelLoader.Load(RepoPaths.Fixture("tiny-llama", "base"));
        PeftAdapter.Load(model, RepoPaths.Fixture("tiny-llama", "adapter"));
        return model;
    }

    [Fact]
    public void Kv_cache_gives_the_same_logits_as_a_full_forward()
    {
        using var model = Model();
        var ids = new PeftFixture("tiny-llama")["input_ids"];
        using var _ = no_grad();
        var full = model.Forward(ids);
        using var cache = new KvCache(model.NumLayers);
        var first = model.Forward(ids.narrow(1, 0, 7), cache: cache);
        var rest = model.Forward(ids.narrow(1, 7, 5), cache: cache);
        Tolerance.Close(cat([first, rest], 1), full, Tolerance.Logits, "cached forward");
    }

    [Fact]
    public void Left_padded_batch_generates_what_each_row_generates_alone()
    {
        using var model = Model();
        var options = new SamplingOptions { MaxNewTokens = 6, EosTokenIds = [] };
        var shortRow = tensor(new long[] { 5, 9, 13 }).unsqueeze(0);
        var longRow = tensor(new long[] { 7, 21, 4, 88, 19, 3 }).unsqueeze(0);
        var alone0 = TextGenerator.Generate(model, shortRow, null, options);
        var alone1 = TextGenerator.Generate(model, longRow, null, options);
        var batch = tensor(new long[,] { { 0, 0, 0, 5, 9, 13 }, { 7, 21, 4, 88, 19, 3 } });
        var mask = tensor(new long[,] { { 0, 0, 0, 1, 1, 1 }, { 1, 1, 1, 1, 1, 1 } });
        var together = TextGenerator.Generate(model, batch, mask, options);
        Assert.Equal(alone0.narrow(1, 3, 6).data<long>().ToArray(), together[0].narrow(0, 6, 6).data<long>().ToArray());
        Assert.Equal(alone1.narrow(1, 6, 6).data<long>().ToArray(), together[1].narrow(0, 6, 6).data<long>().ToArray());
    }

    [Fact]
    public void Generation_stops_at_eos_and_pads_finished_rows()
    {
        using var model = Model();
        var prompt = new PeftFixture("tiny-llama")["input_ids"].narrow(0, 0, 1).narrow(1, 0, 5);
        var greedy = TextGenerator.Generate(model, prompt, null, new SamplingOptions { MaxNewTokens = 10, EosTokenIds = [] });
        long third = greedy[0, 7].item<long>();   // make the third new token the EOS
        var stopped = TextGenerator.Generate(model, prompt, null, new SamplingOptions { MaxNewTokens = 10, EosTokenIds = [(int)third] });
        int firstHit = Array.IndexOf(greedy.data<long>().ToArray()[5..], third) + 5;
        Assert.Equal(firstHit + 1, (int)stopped.shape[1]);
        Assert.Equal(third, stopped[0, -1].item<long>());
    }

    [Fact]
    public void Sampling_is_reproducible_for_a_seed_and_top_k_1_is_greedy()
    {
        using var model = Model();
        var prompt = tensor(new long[] { 5, 9, 13 }).unsqueeze(0);
        var sample = new SamplingOptions { MaxNewTokens = 12, DoSample = true, Temperature = 1.5, TopP = 0.95, Seed = 42, EosTokenIds = [] };
        var a = TextGenerator.Generate(model, prompt, null, sample).data<long>().ToArray();
        var b = TextGenerator.Generate(model, prompt, null, sample).data<long>().ToArray();
        var c = TextGenerator.Generate(model, prompt, null, sample with { Seed = 7 }).data<long>().ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        var greedy = TextGenerator.Generate(model, prompt, null, new SamplingOptions { MaxNewTokens = 12, EosTokenIds = [] });
        var topK1 = TextGenerator.Generate(model, prompt, null, sample with { TopK = 1 });
        Assert.Equal(greedy.data<long>().ToArray(), topK1.data<long>().ToArray());
    }

    [Fact]
    public void Streaming_yields_the_ids_Generate_gives_and_ends_after_eos()
    {
        using var model = Model();
        var prompt = new long[] { 5, 9, 13 };
        foreach (var options in new[]
                 {
                     new SamplingOptions { MaxNewTokens = 12, EosTokenIds = [] },
                     new SamplingOptions { MaxNewTokens = 12, DoSample = true, Temperature = 1.5, TopK = 50, Seed = 42, EosTokenIds = [] },
                 })
        {
            var whole = TextGenerator.Generate(model, tensor(prompt).unsqueeze(0), null, options).data<long>().ToArray()[3..];
            var streamed = TextGenerator.Stream(model, prompt.Select(i => (int)i).ToList(), options).ToList();
            Assert.Equal(whole.Select(i => (int)i), streamed);

            var third = streamed[2];
            var stopped = TextGenerator.Stream(model, prompt.Select(i => (int)i).ToList(), options with { EosTokenIds = [third] }).ToList();
            Assert.Equal(streamed.Take(streamed.IndexOf(third) + 1), stopped);
        }
    }

    [Fact]
    public void A_cancelled_stream_stops_before_the_next_token()
    {
        using var model = Model();
        using var cancellation = new CancellationTokenSource();
        var ids = new List<int>();
        Assert.Throws<OperationCanceledException>(() =>
        {
            foreach (int id in TextGenerator.Stream(model, [5, 9, 13], new SamplingOptions { MaxNewTokens = 50, EosTokenIds = [] }, cancellation.Token))
            {
                ids.Add(id);
                if (ids.Count == 3) cancellation.Cancel();
            }
        });
        Assert.Equal(3, ids.Count);
    }

    [Fact]
    public void Top_p_keeps_the_smallest_set_reaching_p()
    {
        // probabilities 0.5, 0.3, 0.15, 0.05: top-p 0.7 keeps the first two only.
        var logits = tensor(new[] { 0.5f, 0.3f, 0.15f, 0.05f }).log().unsqueeze(0);
        var seen = new HashSet<long>();
        var generator = new Generator(3);
        for (int i = 0; i < 200; i++)
            seen.Add(TokenSampler.Next(logits, new SamplingOptions { DoSample = true, TopP = 0.7 }, generator).item<long>());
        Assert.Equal(new long[] { 0, 1 }, seen.Order());
    }
}
