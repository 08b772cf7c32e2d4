using RedisAI.Testing.Onnx;

namespace RedisAI.Backends.Onnx.Tests;

public sealed class ExecutionTests : IDisposable
{
    private readonly AiStore _store = Onnx.CreateStore();

    public ExecutionTests()
    {
        _store.StoreModel("mul", TestModels.Mul(), Onnx.Options);
        _store.SetTensor("a", Onnx.Floats(2, 3, 2, 3));
        _store.SetTensor("b", Onnx.Floats(2, 3, 2, 3));
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public void ExecuteModel_ByKeys_WritesOutputKey()
    {
        _store.ExecuteModel("mul", ["a", "b"], ["c"]);

        var c = _store.GetTensor("c");
        Assert.Equal(new[] { 4f, 9, 4, 9 }, c.GetData<float>().ToArray());
        Assert.Equal(new TensorShape(2, 2), c.Shape);
    }

    [Fact]
    public async Task ExecuteModelAsync_ByKeys_WritesOutputKey()
    {
        await _store.ExecuteModelAsync("mul", ["a", "b"], ["c"]);

        Assert.Equal(new[] { 4f, 9, 4, 9 }, _store.GetTensor("c").GetData<float>().ToArray());
    }

    [Fact]
    public async Task RunModel_OnTensorsDirectly_TouchesNoKey()
    {
        var x = Onnx.Floats(1, 2, 3, 4);

        AiTensor[] sync = _store.RunModel("mul", [x, x]);
        AiTensor[] async = await _store.RunModelAsync("mul", [x, x]);

        Assert.Equal(new[] { 1f, 4, 9, 16 }, sync[0].GetData<float>().ToArray());
        Assert.True(async[0].ContentEquals(sync[0]));
        Assert.Equal(3, _store.Scan().Count);
    }

    [Fact]
    public void ExecuteModel_InputsReadWhenTheCallStarts_LaterWritesDoNotAffectIt()
    {
        var before = _store.GetTensor("a");
        _store.ExecuteModel("mul", ["a", "a"], ["a"]); // output overwrites an input key

        Assert.Equal(new[] { 4f, 9, 4, 9 }, _store.GetTensor("a").GetData<float>().ToArray());
        Assert.Equal(new[] { 2f, 3, 2, 3 }, before.GetData<float>().ToArray());
    }

    [Fact]
    public void ExecuteModel_MissingModel_Throws()
    {
        var ex = Assert.Throws<AiKeyNotFoundException>(() => _store.ExecuteModel("nope", ["a", "b"], ["c"]));

        Assert.Equal("nope", ex.Key);
        Assert.Contains("key 'nope' does not exist (expected a model)", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("c"));
    }

    [Fact]
    public void ExecuteModel_ModelKeyHoldsTensor_ThrowsWrongType()
    {
        Assert.Throws<AiWrongTypeException>(() => _store.ExecuteModel("a", ["a", "b"], ["c"]));
        Assert.False(_store.Exists("c"));
    }

    [Fact]
    public void ExecuteModel_WrongInputCount_ThrowsNamingModelAndInputs()
    {
        var ex = Assert.Throws<AiArgumentException>(() => _store.ExecuteModel("mul", ["a"], ["c"]));

        Assert.Contains("Number of keys given as INPUTS here does not match model definition", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'mul' takes 2 (a, b), 1 given", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("c"));
    }

    [Fact]
    public void ExecuteModel_WrongOutputCount_Throws()
    {
        // RedisAI #116: this used to leave the client blocked forever.
        var ex = Assert.Throws<AiArgumentException>(() => _store.ExecuteModel("mul", ["a", "b"], ["c", "d"]));

        Assert.Contains("OUTPUTS", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("c"));
        Assert.False(_store.Exists("d"));
    }

    [Fact]
    public void ExecuteModel_MissingInputKey_ThrowsNamingTheKey()
    {
        var ex = Assert.Throws<AiKeyNotFoundException>(() => _store.ExecuteModel("mul", ["a", "missing"], ["c"]));

        Assert.Equal("missing", ex.Key);
        Assert.Contains("input 1 of model 'mul'", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("c"));
    }

    [Fact]
    public void ExecuteModel_InputWrongDataType_ThrowsNamingInputAndExpectedType()
    {
        _store.SetTensor("ints", AiTensor.Create<int>([1, 2, 3, 4], 2, 2));

        var ex = Assert.Throws<AiArgumentException>(() => _store.ExecuteModel("mul", ["a", "ints"], ["c"]));

        Assert.Contains("input 1 ('b')", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'ints'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("has type INT32, the model expects FLOAT", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("c"));
    }

    [Fact]
    public void ExecuteModel_InputWrongShape_ThrowsNamingExpectedShape()
    {
        _store.SetTensor("wide", AiTensor.Create<float>([1, 2, 3], 1, 3));

        var ex = Assert.Throws<AiArgumentException>(() => _store.ExecuteModel("mul", ["wide", "b"], ["c"]));

        Assert.Equal("input 0 ('a') of model 'mul', tensor key 'wide', has shape [1, 3], the model expects [-1, 2] (-1 = any)", ex.Message);
    }

    [Fact]
    public void ExecuteModel_InputWrongFixedShape_ThrowsWithoutAnyDimensionNote()
    {
        _store.StoreModel("fixed", TestModels.MulFixed(), Onnx.Options);
        _store.SetTensor("wide", AiTensor.Create<float>([1, 2, 3], 1, 3));

        var ex = Assert.Throws<AiArgumentException>(() => _store.ExecuteModel("fixed", ["wide", "b"], ["c"]));

        Assert.Equal("input 0 ('a') of model 'fixed', tensor key 'wide', has shape [1, 3], the model expects [2, 2]", ex.Message);
    }

    [Fact]
    public void RunModel_VectorForScalarInput_ThrowsExpectingEmptyShape()
    {
        _store.StoreModel("identity", TestModels.Identity(OnnxElementType.Float, rank: 0), Onnx.Options);

        var ex = Assert.Throws<AiArgumentException>(() => _store.RunModel("identity", [AiTensor.Create<float>([1, 2], 2)]));

        Assert.Equal("input 0 ('x') of model 'identity' has shape [2], the model expects []", ex.Message);
    }

    [Fact]
    public void RunModel_ScalarForScalarInput_ReturnsScalar()
    {
        _store.StoreModel("identity", TestModels.Identity(OnnxElementType.Float, rank: 0), Onnx.Options);

        AiTensor[] result = _store.RunModel("identity", [AiTensor.Scalar(3f)]);

        Assert.Equal(TensorShape.Scalar, result[0].Shape);
        Assert.Equal(3f, result[0].GetData<float>()[0]);
    }

    [Fact]
    public void ExecuteModel_OutputKeyHoldsModel_ThrowsWrongTypeBeforeRunning()
    {
        _store.StoreModel("other", TestModels.Mul(), Onnx.Options);

        var ex = Assert.Throws<AiWrongTypeException>(() => _store.ExecuteModel("mul", ["a", "b"], ["other"]));

        Assert.Equal("other", ex.Key);
        Assert.Equal(KeyType.Model, _store.GetKeyType("other"));
    }

    [Fact]
    public void ExecuteModel_BackendFailure_ThrowsBackendErrorAndWritesNothing()
    {
        // RedisAI C35: the shapes pass the model's declared dims (unknown rank) but do not broadcast.
        _store.StoreModel("dyn", TestModels.MulDynamic(), Onnx.Options);
        _store.SetTensor("three", AiTensor.Create<float>([1, 2, 3], 3));
        _store.SetTensor("two", AiTensor.Create<float>([1, 2], 2));

        var ex = Assert.Throws<AiBackendException>(() => _store.ExecuteModel("dyn", ["three", "two"], ["c"]));

        Assert.Equal(AiErrorCode.ExecutionFailed, ex.Code);
        Assert.Contains("model 'dyn'", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("c"));
    }

    [Fact]
    public void RunModel_WrongInputCount_Throws()
    {
        var ex = Assert.Throws<AiArgumentException>(() => _store.RunModel("mul", [Onnx.Floats(1, 2)]));

        Assert.Contains("'mul' takes 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteModelAsync_ValidationErrors_ThrowBeforeQueueing()
    {
        await Assert.ThrowsAsync<AiKeyNotFoundException>(() => _store.ExecuteModelAsync("mul", ["a", "missing"], ["c"]));
        await Assert.ThrowsAsync<AiArgumentException>(() => _store.RunModelAsync("mul", [Onnx.Floats(1, 2)]));

        Assert.Equal(0, _store.GetQueueLengths()["CPU"]);
    }

    [Fact]
    public void ExecuteModel_ZeroRowBatch_ReturnsEmptyOutput()
    {
        // RedisAI #408: an empty dimension crashed the server.
        _store.SetTensor("none", AiTensor.Create(ReadOnlySpan<float>.Empty, 0, 2));

        _store.ExecuteModel("mul", ["none", "none"], ["c"]);

        var c = _store.GetTensor("c");
        Assert.Equal(new TensorShape(0, 2), c.Shape);
        Assert.Equal(0, c.ByteCount);
    }

    [Fact]
    public void ExecuteModel_TwoOutputs_WritesBothKeysTogether()
    {
        _store.StoreModel("two", TestModels.TwoOutputs(), Onnx.Options);

        _store.ExecuteModel("two", ["a", "b"], ["sum", "product"]);

        Assert.Equal(new[] { 4f, 6, 4, 6 }, _store.GetTensor("sum").GetData<float>().ToArray());
        Assert.Equal(new[] { 4f, 9, 4, 9 }, _store.GetTensor("product").GetData<float>().ToArray());
    }

    [Fact]
    public void ExecuteModel_RealMlp_MatchesReferenceComputation()
    {
        int[] layers = [16, 32, 8];
        _store.StoreModel("mlp", TestModels.Mlp(layers, seed: 7), Onnx.Options);
        float[] input = Enumerable.Range(0, 16).Select(i => (i - 8) / 4f).ToArray();
        _store.SetTensor("x", AiTensor.Create<float>(input, 1, 16));

        _store.ExecuteModel("mlp", ["x"], ["y"]);

        float[] expected = TestModels.MlpReference(layers, 7, input);
        float[] actual = _store.GetTensor("y").GetData<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-4f);
        }
    }
}
