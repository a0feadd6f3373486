namespace System
{
    /// <summary>
    /// The static members newer frameworks have that the chat-template engine (compiled in from the runtime) calls, as
    /// C# 14 static extensions so that its source stays as the runtime writes it; netstandard2.0 lacks them.
    /// </summary>
    internal static class StaticMemberPolyfills
    {
        extension(ArgumentNullException)
        {
            /// <summary>Throws when <paramref name="argument"/> is null (without its name: netstandard2.0's compiler attribute for it is not public).</summary>
            /// <param name="argument">The argument.</param>
            public static void ThrowIfNull(object? argument)
            {
                if (argument is null)
                {
                    throw new ArgumentNullException();
                }
            }
        }

        extension(char)
        {
            /// <summary>Whether <paramref name="c"/> is '0' to '9'.</summary>
            /// <param name="c">The character.</param>
            /// <returns>True for an ASCII digit.</returns>
            public static bool IsAsciiDigit(char c) => c >= '0' && c <= '9';
        }

        extension(double)
        {
            /// <summary>Whether <paramref name="d"/> is neither infinite nor NaN.</summary>
            /// <param name="d">The value.</param>
            /// <returns>True when finite.</returns>
            public static bool IsFinite(double d) => !double.IsNaN(d) && !double.IsInfinity(d);

            /// <summary>Whether the sign bit of <paramref name="d"/> is set (-0.0 too).</summary>
            /// <param name="d">The value.</param>
            /// <returns>True when negative.</returns>
            public static bool IsNegative(double d) => BitConverter.DoubleToInt64Bits(d) < 0;
        }

        extension(Math)
        {
            /// <summary><paramref name="x"/>'s magnitude with <paramref name="y"/>'s sign.</summary>
            /// <param name="x">The magnitude.</param>
            /// <param name="y">The sign.</param>
            /// <returns>The value.</returns>
            public static double CopySign(double x, double y) =>
                BitConverter.Int64BitsToDouble((BitConverter.DoubleToInt64Bits(x) & long.MaxValue) | (BitConverter.DoubleToInt64Bits(y) & long.MinValue));

            /// <summary><paramref name="value"/> limited to [<paramref name="min"/>, <paramref name="max"/>].</summary>
            /// <param name="value">The value.</param>
            /// <param name="min">The lower bound.</param>
            /// <param name="max">The upper bound, at least <paramref name="min"/>.</param>
            /// <returns>The limited value.</returns>
            public static int Clamp(int value, int min, int max)
            {
                if (min > max)
                {
                    throw new ArgumentException($"'{min}' cannot be greater than {max}.");
                }

                return value < min ? min : value > max ? max : value;
            }

            /// <inheritdoc cref="Clamp(int, int, int)"/>
            public static long Clamp(long value, long min, long max)
            {
                if (min > max)
                {
                    throw new ArgumentException($"'{min}' cannot be greater than {max}.");
                }

                return value < min ? min : value > max ? max : value;
            }
        }
    }
}
