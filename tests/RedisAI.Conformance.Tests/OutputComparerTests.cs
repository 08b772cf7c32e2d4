namespace RedisAI.Conformance.Tests;

public sealed class OutputComparerTests
{
    private static readonly Tolerance Onnx = Tolerance.OnnxDefault;

    [Fact]
    public void Compare_FloatsWithinRtol_Match()
    {
        AiTensor expected = AiTensor.Create<float>([100f, -1f], 2);
        AiTensor actual = AiTensor.Create<float>([100.09f, -1.0009f], 2);

        Assert.Null(OutputComparer.Compare(actual, expected, Onnx));
    }

    [Fact]
    public void Compare_FloatsBeyondTolerance_ReportsFirstElement()
    {
        AiTensor expected = AiTensor.Create<float>([1f, 2f, 3f], 3);
        AiTensor actual = AiTensor.Create<float>([1f, 2.01f, 3.01f], 3);

        string? difference = OutputComparer.Compare(actual, expected, Onnx);

        Assert.NotNull(difference);
        Assert.Contains("2 of 3 elements", difference, StringComparison.Ordinal);
        Assert.Contains("first at 1", difference, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_NaNAndInfinities_MatchOnlyThemselves()
    {
        AiTensor expected = AiTensor.Create<double>([double.NaN, double.PositiveInfinity], 2);

        Assert.Null(OutputComparer.Compare(AiTensor.Create<double>([double.NaN, double.PositiveInfinity], 2), expected, Onnx));
        Assert.NotNull(OutputComparer.Compare(AiTensor.Create<double>([0, double.PositiveInfinity], 2), expected, Onnx));
        Assert.NotNull(OutputComparer.Compare(AiTensor.Create<double>([double.NaN, double.NegativeInfinity], 2), expected, Onnx));
    }

    [Fact]
    public void Compare_HalfPrecision_UsesTolerance()
    {
        AiTensor expected = AiTensor.Create<Half>([(Half)1f], 1);

        Assert.Null(OutputComparer.Compare(AiTensor.Create<Half>([(Half)1f], 1), expected, Onnx));
        Assert.NotNull(OutputComparer.Compare(AiTensor.Create<Half>([(Half)1.01f], 1), expected, Onnx));
    }

    [Fact]
    public void Compare_IntegersOffByOne_Mismatch()
    {
        string? difference = OutputComparer.Compare(AiTensor.Create<long>([1, 3], 2), AiTensor.Create<long>([1, 2], 2), new Tolerance(1, 1));

        Assert.Equal("element 1 is 3, expected 2 (exact match required)", difference);
    }

    [Fact]
    public void Compare_DifferentShapeOrType_Mismatch()
    {
        AiTensor expected = AiTensor.Create<float>([1f, 2f], 2);

        Assert.Contains("shape", OutputComparer.Compare(AiTensor.Create<float>([1f, 2f], 1, 2), expected, Onnx), StringComparison.Ordinal);
        Assert.Contains("type", OutputComparer.Compare(AiTensor.Create<double>([1, 2], 2), expected, Onnx), StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_Strings_ExactBytes()
    {
        AiTensor expected = AiTensor.CreateStrings(["a", "b"], 2);

        Assert.Null(OutputComparer.Compare(AiTensor.CreateStrings(["a", "b"], 2), expected, Onnx));
        Assert.NotNull(OutputComparer.Compare(AiTensor.CreateStrings(["a", "B"], 2), expected, Onnx));
    }
}
