using System;

namespace Lora
{
    /// <summary>The model the adapter is trained on.</summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
    public sealed class BaseModelAttribute : Attribute
    {
        /// <summary>Names the base model.</summary>
        /// <param name="source">
        /// A Hugging Face model folder (with <c>config.json</c>), relative to the project directory or absolute;
        /// or the name of a built-in model (no slash, see <see cref="BuiltInModels"/>).
        /// </param>
        public BaseModelAttribute(string source)
        {
            Source = source;
        }

        /// <summary>The model folder or built-in model name.</summary>
        public string Source { get; }
    }
}
