using Lora.Runtime.Quantization;
using static TorchSharp.torch;

namespace Lora.Runtime.Chat;

/// <summary>How a <see cref="LoraChatClient"/> loads its model and what it answers with when a request does not say.</summary>
public sealed record LoraChatClientOptions
{
    /// <summary>Where the model computes: <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c> (<see cref="Tensors.Devices.Resolve"/>).
    /// Used when the client loads the model from a folder.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>The base weights' compute type; null: float32 on the CPU, and on a GPU bfloat16 where it has bf16 tensor cores
    /// (<see cref="Lora.ComputeType.Auto"/>). Used when the client loads the model from a folder.</summary>
    public ScalarType? DType { get; init; }

    /// <summary>Load the base 4-bit (QLoRA's base, for adapters trained on one); null: as the folder stores it.</summary>
    public QuantizationOptions? Quantization { get; init; }

    /// <summary>The model id (<see cref="Microsoft.Extensions.AI.ChatOptions.ModelId"/>) that selects the base model without an
    /// adapter; null: the model folder's name.</summary>
    public string? BaseModelId { get; init; }

    /// <summary>The model id of a request that names none; null: the first adapter loaded, or the base model when there is none.</summary>
    public string? DefaultModelId { get; init; }

    /// <summary>Most tokens a reply gets when the request does not set <see cref="Microsoft.Extensions.AI.ChatOptions.MaxOutputTokens"/>;
    /// a reply also ends where the model's context (its <c>max_position_embeddings</c>) does.</summary>
    public int DefaultMaxOutputTokens { get; init; } = 512;

    /// <summary>What a chat template's <c>strftime_now</c> gives for a request; null: the local time when the request starts.</summary>
    public Func<DateTime>? Clock { get; init; }
}
