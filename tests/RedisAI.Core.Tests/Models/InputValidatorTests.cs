namespace RedisAI.Tests.Models;

public class InputValidatorTests
{
    [Fact]
    public void Validate_ShapeMismatchWithAnyDimension_ExplainsMinusOne()
    {
        ModelInfo model = Model(new TensorInfo("x", DataType.Float, [-1, 2]));

        var ex = Assert.Throws<AiArgumentException>(() => InputValidator.Validate(model, [AiTensor.Create<float>([1, 2, 3], 1, 3)], ["wide"]));

        Assert.Equal("input 0 ('x') of model 'm', tensor key 'wide', has shape [1, 3], the model expects [-1, 2] (-1 = any)", ex.Message);
    }

    [Fact]
    public void Validate_ShapeMismatchWithFixedDimensions_OmitsMinusOneNote()
    {
        ModelInfo model = Model(new TensorInfo("x", DataType.Float, [2, 2]));

        var ex = Assert.Throws<AiArgumentException>(() => InputValidator.Validate(model, [AiTensor.Create<float>([1, 2, 3], 1, 3)], null));

        Assert.Equal("input 0 ('x') of model 'm' has shape [1, 3], the model expects [2, 2]", ex.Message);
    }

    [Fact]
    public void Validate_VectorForScalarInput_ExpectsEmptyShape()
    {
        ModelInfo model = Model(new TensorInfo("x", DataType.Float, []));

        var ex = Assert.Throws<AiArgumentException>(() => InputValidator.Validate(model, [AiTensor.Create<float>([1, 2], 2)], null));

        Assert.Equal("input 0 ('x') of model 'm' has shape [2], the model expects []", ex.Message);
    }

    [Fact]
    public void Validate_ScalarForScalarInput_Passes()
    {
        ModelInfo model = Model(new TensorInfo("x", DataType.Float, []));

        InputValidator.Validate(model, [AiTensor.Scalar(1f)], null);
    }

    private static ModelInfo Model(TensorInfo input) =>
        new("m", "TEST", Device.Cpu, string.Empty, 0, 0, TimeSpan.Zero, [input], [new TensorInfo("y", DataType.Float, null)], ReadOnlyMemory<byte>.Empty);
}
