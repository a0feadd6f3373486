using System;

namespace Lora
{
    /// <summary>A JSONL training file in one of the standard formats.</summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
    public sealed class DatasetAttribute : DatasetAttributeBase
    {
        /// <summary>Names the training file.</summary>
        /// <param name="path">A JSONL file, relative to the project directory or absolute.</param>
        public DatasetAttribute(string path)
            : base(path)
        {
        }

        /// <summary>The shape of each line. Default <see cref="DatasetFormat.Jsonl"/>.</summary>
        public DatasetFormat Format { get; set; } = SettingDefaults.Format;

        /// <summary>The field holding the text with <see cref="DatasetFormat.Jsonl"/> (TRL's <c>dataset_text_field</c>). Default <c>"text"</c>.</summary>
        public string TextField { get; set; } = SettingDefaults.TextField;
    }
}
