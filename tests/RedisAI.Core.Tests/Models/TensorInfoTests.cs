namespace RedisAI.Tests.Models;

public class TensorInfoTests
{
    [Fact]
    public void ToString_Scalar_ShowsEmptyDimensions()
    {
        Assert.Equal("x: FLOAT []", new TensorInfo("x", DataType.Float, []).ToString());
    }

    [Fact]
    public void ToString_UnknownShape_ShowsQuestionMark()
    {
        Assert.Equal("x: FLOAT [?]", new TensorInfo("x", DataType.Float, null).ToString());
    }

    [Fact]
    public void ToString_AnyDimension_ShowsMinusOne()
    {
        Assert.Equal("x: ? [-1, 4]", new TensorInfo("x", null, [-1, 4]).ToString());
    }
}
