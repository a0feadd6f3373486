namespace Lora.Generators.Resolving
{
    /// <summary>What a dataset field must hold.</summary>
    internal enum FieldShape
    {
        /// <summary>Any JSON value.</summary>
        AnyValue,

        /// <summary>A string.</summary>
        String,

        /// <summary>A non-empty array of integers.</summary>
        IntegerArray,

        /// <summary>A non-empty array of objects with string <c>role</c> and <c>content</c>.</summary>
        ChatMessages,
    }

    /// <summary>A field every dataset line must carry.</summary>
    /// <param name="Field">The JSON field name.</param>
    /// <param name="Shape">What it must hold.</param>
    /// <param name="NeededBy">Who needs it, for messages: "DatasetFormat.Alpaca", "the Completion template".</param>
    /// <param name="ChangeWhat">What the user could change instead, for messages: "Format", "TextField".</param>
    /// <param name="IgnoreCase">Whether the name matches ignoring case (typed rows).</param>
    internal sealed record FieldRequirement(string Field, FieldShape Shape, string NeededBy, string ChangeWhat, bool IgnoreCase)
    {
        /// <summary>The shape in words, for messages.</summary>
        public string ShapeDescription => Shape switch
        {
            FieldShape.String => "a string",
            FieldShape.IntegerArray => "a non-empty array of token ids",
            FieldShape.ChatMessages => "a non-empty array of {\"role\", \"content\"} objects",
            _ => "any value",
        };
    }
}
