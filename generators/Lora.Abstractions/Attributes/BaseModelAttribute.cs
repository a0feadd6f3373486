using System;

namespace Lora
{
    /// <summary>The model the adapter is trained on.</summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
    public sealed class BaseModelAttribute : Attribute
    {
        /// <summary>Names the base model.</summary>
        /// <param name="source">
        /// A Hugging Face model folder (with <c>config.json</c>), relative to the project directory or absolute; a Hugging
        /// Face model id, <c>org/name</c>, found in the Hugging Face cache that Python uses too (see <see cref="HubModelId"/>;
        /// a folder of that relative path wins when it exists); or the name of a built-in model (no slash, see
        /// <see cref="BuiltInModels"/>).
        /// </param>
        public BaseModelAttribute(string source)
        {
            Source = source;
        }

        /// <summary>The model folder, model id or built-in model name.</summary>
        public string Source { get; }

        /// <summary>
        /// For a model id: the branch, tag or commit hash of the model to use, as huggingface_hub's <c>revision</c>. The
        /// commit it resolves to is part of the experiment's fingerprint, so a branch that moves retrains once pulled again.
        /// </summary>
        public string Revision { get; set; } = SettingDefaults.Revision;
    }
}
