namespace Lora
{
    /// <summary>The shape of each line of a JSONL training file.</summary>
    public enum DatasetFormat
    {
        /// <summary><c>{"instruction": ..., "input": ... (optional), "output": ...}</c>; the loss covers the output.</summary>
        Alpaca,

        /// <summary>One text field per line (<c>"text"</c> unless <see cref="DatasetAttribute.TextField"/> says otherwise); plain language modelling.</summary>
        Jsonl,

        /// <summary><c>{"messages": [{"role": "user", "content": ...}, ...]}</c>, rendered with the model's chat template (ChatML when its folder has none); the loss covers assistant turns.</summary>
        Chat,

        /// <summary><c>{"input_ids": [1, 2, ...]}</c>: pre-tokenized rows, trained with labels equal to the ids.</summary>
        TokenIds,
    }
}
