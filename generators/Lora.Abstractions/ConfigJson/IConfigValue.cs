using System.Collections.Generic;

namespace Lora
{
    /// <summary>
    /// One value of a parsed config.json, as <see cref="ModelConfigParser"/> reads it. The generator implements it over its
    /// own JSON parser (it runs inside the compiler, without System.Text.Json) and the runtime over System.Text.Json, so
    /// that the keys, defaults and checks exist once. A member that is absent or JSON null is null.
    /// </summary>
    public interface IConfigValue
    {
        /// <summary>The value's kind.</summary>
        ConfigValueKind Kind { get; }

        /// <summary>The text of a string.</summary>
        string Text { get; }

        /// <summary>The value of a number.</summary>
        double Number { get; }

        /// <summary>Whether a number was written without fraction or exponent.</summary>
        bool IsInteger { get; }

        /// <summary>The value of a boolean.</summary>
        bool IsTrue { get; }

        /// <summary>The items of an array; a JSON null item is null.</summary>
        IReadOnlyList<IConfigValue?> Items { get; }

        /// <summary>The member <paramref name="name"/> of an object.</summary>
        /// <param name="name">The member name (ordinal).</param>
        /// <returns>The member's value; null when absent, JSON null, or when this is not an object.</returns>
        IConfigValue? Member(string name);

        /// <summary>Whether an object has the member <paramref name="name"/>, JSON null included: Gemma 2's soft-capping keys
        /// mean "off" when null and take the config class's default only when absent.</summary>
        /// <param name="name">The member name (ordinal).</param>
        /// <returns>True when the member is written, even as null; false when absent or when this is not an object.</returns>
        bool Has(string name);
    }
}
