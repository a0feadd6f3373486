using System;

namespace Lora
{
    /// <summary>
    /// A JSONL training file whose lines are <typeparamref name="TRow"/> objects (JSON field names match the
    /// property names, ignoring case), rendered through templates. Placeholders <c>{Property}</c> name properties
    /// of <typeparamref name="TRow"/>; write <c>{{</c> and <c>}}</c> for literal braces.
    /// </summary>
    /// <typeparam name="TRow">The row type.</typeparam>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
    public sealed class DatasetAttribute<TRow> : DatasetAttributeBase
    {
        /// <summary>Names the training file.</summary>
        /// <param name="path">A JSONL file, relative to the project directory or absolute.</param>
        public DatasetAttribute(string path)
            : base(path)
        {
        }

        /// <summary>The prompt template, e.g. <c>"Subject: {Subject}\n{Body}\nLabel:"</c>. Default empty.</summary>
        public string Prompt { get; set; } = SettingDefaults.Prompt;

        /// <summary>The completion template the model learns to produce, e.g. <c>" {Label}"</c>. Required.</summary>
        public string? Completion { get; set; }
    }
}
