namespace Lora.Runtime.Safetensors;

/// <summary>Where a checkpoint tensor lives: the (open) file and its entry there.</summary>
/// <param name="File">The shard holding the tensor; owned by the <see cref="CheckpointFiles"/> that returned it.</param>
/// <param name="Entry">The tensor's entry in <paramref name="File"/>.</param>
public readonly record struct TensorLocation(SafetensorsFile File, TensorEntry Entry);
