namespace Lora.Runtime.Safetensors;

/// <summary>The element types this SDK reads and writes; the header spells them as <see cref="SafetensorsDTypes.ToHeaderName"/> says.</summary>
public enum SafetensorsDType
{
    /// <summary>"BOOL": one byte per element, 0 or 1.</summary>
    Bool,
    /// <summary>"U8": unsigned 8-bit integer.</summary>
    U8,
    /// <summary>"I8": signed 8-bit integer.</summary>
    I8,
    /// <summary>"I16": signed 16-bit integer.</summary>
    I16,
    /// <summary>"I32": signed 32-bit integer.</summary>
    I32,
    /// <summary>"I64": signed 64-bit integer.</summary>
    I64,
    /// <summary>"F16": IEEE 754 half precision.</summary>
    F16,
    /// <summary>"BF16": bfloat16 (the upper half of a float32).</summary>
    BF16,
    /// <summary>"F32": IEEE 754 single precision.</summary>
    F32,
    /// <summary>"F64": IEEE 754 double precision.</summary>
    F64,
}
