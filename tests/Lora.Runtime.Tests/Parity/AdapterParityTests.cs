using Lora.Runtime.Generation;
using Lora.Runtime.Adapters;
using Lora.Runtime.Models;
using Lora.Runtime.Peft;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Parity;

public class AdapterParityTests
{
    static CausalLanguageModel LoadWithAdapter(PeftFixture fx)
    {
        var model = ModelLoader.Load(fx.BaseDir);
        PeftAdapter.Load(model, fx.AdapterDir);
        return model;
    }

    [Theory]
    [MemberData(nameof(PeftFixture.ParityNames), MemberType = typeof(PeftFixture))]
    public void Adapter_logits_match_peft(string name)
    {
        var fx = new PeftFixture(name);
        using var model = LoadWithAdapter(fx);
        using var _ = no_grad();
        Tolerance.Close(model.Forward(fx["input_ids"]), fx["adapter_logits"], Tolerance.Logits, $"{name} adapter logits");
    }

    [Theory]
    [MemberData(nameof(PeftFixture.ParityNames), MemberType = typeof(PeftFixture))]
    public void Disabled_adapter_gives_base_logits(string name)
    {
        var fx = new PeftFixture(name);
        using var model = LoadWithAdapter(fx);
        using var _ = no_grad();
        LoraAdapters.SetEnabled(model, false);
        Tolerance.Close(model.Forward(fx["input_ids"]), fx["base_logits"], Tolerance.Logits, $"{name} disabled adapter");
        LoraAdapters.SetEnabled(model, true);
        Tolerance.Close(model.Forward(fx["input_ids"]), fx["adapter_logits"], Tolerance.Logits, $"{name} re-enabled adapter");
    }

    [Theory]
    [MemberData(nameof(PeftFixture.ParityNames), MemberType = typeof(PeftFixture))]
    public void Masked_logits_match_peft_with_left_padding(string name)
    {
        var fx = new PeftFixture(name);
        using var model = LoadWithAdapter(fx);
        using var _ = no_grad();
        var logits = model.Forward(fx["input_ids"], fx["attention_mask"]);
        Tolerance.Close(logits, fx["adapter_logits_masked"], Tolerance.Logits, $"{name} masked logits");
    }

    [Theory]
    [MemberData(nameof(PeftFixture.ParityNames), MemberType = typeof(PeftFixture))]
    public void Greedy_generation_matches_transformers(string name)
    {
        var fx = new PeftFixture(name);
        using var model = LoadWithAdapter(fx);
        var prompt = fx["input_ids"].narrow(0, 0, 1).narrow(1, 0, 5);
        var ids = TextGenerator.Generate(model, prompt, null, new SamplingOptions { MaxNewTokens = 10, EosTokenIds = [] });
        Assert.Equal(fx["greedy_ids"].data<long>().ToArray(), ids.data<long>().ToArray());
    }
}
