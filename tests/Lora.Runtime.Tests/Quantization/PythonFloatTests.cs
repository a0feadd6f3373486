using Lora.Runtime.Quantization;

namespace Lora.Runtime.Tests.Quantization;

/// <summary>Floats in the quant-state JSON are written as Python's repr writes them (expected values from CPython 3.11).</summary>
public sealed class PythonFloatTests
{
    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(1.0, "1.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(0.000015, "1.5e-05")]
    [InlineData(1234.5, "1234.5")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(-2.5, "-2.5")]
    public void It_writes_what_python_repr_writes(double value, string expected) => Assert.Equal(expected, PythonFloat.Repr(value));

    [Fact]
    public void A_float32_offset_is_written_with_the_digits_of_its_double_value()
    {
        // repr(struct.unpack('f', struct.pack('f', 0.0123))[0]) in CPython.
        Assert.Equal(PythonReprOfFloat32_0_0123, PythonFloat.Repr(0.0123f));
    }

    private const string PythonReprOfFloat32_0_0123 = "0.012299999594688416";
}
