using Lora.Runtime.Adapters;
using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Tests.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.QLora;

/// <summary>A 4-bit weight is not a parameter: moving the layer must move it too (a GPU run would otherwise dequantize on the CPU).</summary>
public class QuantizedLayerDeviceTests
{
    public QuantizedLayerDeviceTests() => TorchNative.EnsureLoaded();

    static LoraLinear QuantizedLayer()
    {
        manual_seed(0);
        var layer = new LoraLinear("proj", 128, 64, hasBias: false, fanInFanOut: false, ScalarType.Float32);
        using (no_grad()) layer.weight.normal_(0, 0.02);
        layer.Quantize(Lora.QuantType.NF4, doubleQuant: true);
        return layer;
    }

    [Fact]
    public void Moving_the_layer_moves_its_4bit_weight_and_state()
    {
        // No GPU in CI: the meta device stands in for "another device" (data cannot come back from it, shapes do).
        using var layer = QuantizedLayer();
        var packedShape = layer.Quantized!.Packed.shape;
        layer.to(new Device(DeviceType.META));
        var q = layer.Quantized!;
        Assert.Equal(DeviceType.META, q.Packed.device.type);
        Assert.Equal(DeviceType.META, q.Absmax.device.type);
        Assert.Equal(DeviceType.META, q.Nested!.NestedAbsmax.device.type);
        Assert.Equal(packedShape, q.Packed.shape);
        Assert.Equal(DeviceType.META, layer.weight.device.type);
    }

    [Fact]
    public void A_model_with_adapters_moves_to_another_device()
    {
        // TorchSharp's ModuleDict made Module.to throw for every layer that held adapters; a whole model must move.
        using var model = ModelLoader.Create(ModelConfig.Parse(SmallModels.LlamaConfig()), ScalarType.Float32);
        LoraAdapters.Attach(model, "default", new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj", "down_proj"] });
        model.to(new Device(DeviceType.META));
        Assert.All(model.parameters(), p => Assert.Equal(DeviceType.META, p.device.type));
        var q = model.Projections().First(p => p.Name.EndsWith("q_proj")).Layer;
        Assert.Equal(DeviceType.META, q.LoraA("default").device.type);
        Assert.Contains(model.named_parameters(), p => p.name == "model.layers.0.self_attn.q_proj.lora_A.default.weight");
    }

    [Fact]
    public void Moving_to_the_device_it_is_on_keeps_the_same_4bit_weight()
    {
        using var layer = QuantizedLayer();
        var before = layer.Quantized;
        var codes = before!.Codes().clone();
        layer.to(new Device("cpu"));
        Assert.Same(before, layer.Quantized);
        Assert.True(codes.eq(layer.Quantized!.Codes()).all().item<bool>());
    }
}
