using Lora.Runtime.Models;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Parity;

public class BaseLogitsTests
{
    [Theory]
    [MemberData(nameof(PeftFixture.ParityNames), MemberType = typeof(PeftFixture))]
    public void Base_model_logits_match_transformers(string name)
    {
        var fx = new PeftFixture(name);
        using var model = ModelLoader.Load(fx.BaseDir);
        using var _ = no_grad();
        var logits = model.Forward(fx["input_ids"]);
        Tolerance.Close(logits, fx["base_logits"], Tolerance.Logits, $"{name} base logits");
    }
}
