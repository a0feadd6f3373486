using System;

namespace Lora
{
    /// <summary>
    /// Also writes the merged model as one GGUF file, <c>model.gguf</c> beside the <c>merged</c> folder, for llama.cpp,
    /// Ollama and LM Studio: architecture, hyperparameters, tokenizer and chat template included. Needs <see cref="MergeAttribute"/>
    /// (LORA0080 otherwise): the GGUF is the merged model, merged again in float32 so that its precision is
    /// <see cref="Gguf"/>'s alone, whatever <see cref="MergeAttribute.DType"/> says.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
    public sealed class ExportAttribute : Attribute
    {
        /// <summary>The element type of the GGUF's weight matrices. Default <see cref="GgufType.F16"/>.</summary>
        public GgufType Gguf { get; set; } = SettingDefaults.GgufType;
    }
}
