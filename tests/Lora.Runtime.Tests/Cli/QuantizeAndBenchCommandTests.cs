using System.Text.Json.Nodes;
using Lora.Runtime.Safetensors;

namespace Lora.Runtime.Tests.Cli;

public class QuantizeAndBenchCommandTests
{
    [Fact]
    public void Quantize_writes_a_bnb_4bit_folder_that_loads_back()
    {
        using var temp = new TempFolder();
        var output = temp.Child("q");
        var run = CliRun.Of("quantize", "--model", RepoPaths.Fixture("tiny-llama", "base"), "--type", "nf4", "--double-quant", "--out", output).AssertSucceeded();
        Assert.Contains("bits per weight", run.Stdout);
        using (var file = SafetensorsFile.Open(Path.Combine(output, "model.safetensors")))
            Assert.True(file.TryGet("model.layers.1.mlp.down_proj.weight.quant_state.bitsandbytes__nf4", out var state));
        CliRun.Of("inspect", output).AssertSucceeded();
        var logits = temp.Child("logits.safetensors");
        CliRun.Of("logits", "--model", output, "--ids", "1,2,3", "--out", logits).AssertSucceeded();
        Assert.True(File.Exists(logits));
    }

    [Fact]
    public void Bench_train_prints_the_peer_fields_for_lora_and_qlora()
    {
        foreach (var quant in new[] { "none", "nf4" })
        {
            var run = CliRun.Of("bench", "train", "--layers", "1", "--hidden", "64", "--heads", "4", "--kv-heads", "2", "--ffn", "128",
                "--vocab", "200", "--seq", "16", "--batch", "2", "--steps", "2", "--warmup", "1", "--threads", "1", "--quant", quant).AssertSucceeded();
            var json = JsonNode.Parse(run.StdoutLines.Single())!.AsObject();
            foreach (var field in new[] { "tokens_per_s", "step_s", "peak_rss_mib", "params", "trainable", "loss_first", "loss_last" })
                Assert.True(json.ContainsKey(field), $"{quant}: field {field} missing in {run.Stdout}");
            Assert.True(json["tokens_per_s"]!.GetValue<double>() > 0);
            // rank 16 on q_proj (64→64) and v_proj (64→32), one layer: A [16, in] + B [out, 16] each.
            Assert.Equal((16 * 64 + 64 * 16) + (16 * 64 + 32 * 16), json["trainable"]!.GetValue<long>());
        }
    }

    [Fact]
    public void Bench_matmul_reports_gflops()
    {
        var run = CliRun.Of("bench", "matmul", "--size", "128", "--threads", "1").AssertSucceeded();
        Assert.True(JsonNode.Parse(run.StdoutLines.Single())!["gflops"]!.GetValue<double>() > 0);
    }

    [Fact]
    public void Bench_rejects_an_unknown_quant_type()
    {
        CliRun.Of("bench", "train", "--quant", "int3", "--layers", "1", "--hidden", "64", "--heads", "4", "--vocab", "100", "--seq", "8", "--steps", "1")
            .AssertFailedWith("--quant 'int3'");
    }
}
