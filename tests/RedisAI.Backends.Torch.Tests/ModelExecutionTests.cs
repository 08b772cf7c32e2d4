namespace RedisAI.Backends.Torch.Tests;

public sealed class ModelExecutionTests : IDisposable
{
    private readonly AiStore _store = Torch.CreateStore();

    public ModelExecutionTests()
    {
        _store.StoreModel("add", Torch.Fixture("add.pt"), Torch.Options);
        _store.SetTensor("a", Torch.Floats(2, 3, 2, 3));
        _store.SetTensor("b", Torch.Floats(2, 3, 2, 3));
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public void ExecuteModel_Add_WritesSum()
    {
        // RedisAI C28 (add): ["4","6","4","6"].
        _store.ExecuteModel("add", ["a", "b"], ["c"]);

        AiTensor c = _store.GetTensor("c");
        Assert.Equal(new[] { 4f, 6, 4, 6 }, c.GetData<float>().ToArray());
        Assert.Equal(new TensorShape(2, 2), c.Shape);
    }

    [Fact]
    public async Task ExecuteModelAsync_Add_WritesSumThroughTheQueue()
    {
        await _store.ExecuteModelAsync("add", ["a", "b"], ["c"]);

        Assert.Equal(new[] { 4f, 6, 4, 6 }, _store.GetTensor("c").GetData<float>().ToArray());
    }

    [Fact]
    public async Task RunModel_OnTensorsDirectly_ReturnsSumAndLeavesInputsUnchanged()
    {
        AiTensor x = Torch.Floats(1, 2, 3, 4);

        AiTensor[] sync = _store.RunModel("add", [x, x]);
        AiTensor[] queued = await _store.RunModelAsync("add", [x, x]);

        Assert.Equal(new[] { 2f, 4, 6, 8 }, sync[0].GetData<float>().ToArray());
        Assert.True(queued[0].ContentEquals(sync[0]));
        Assert.Equal(new[] { 1f, 2, 3, 4 }, x.GetData<float>().ToArray());
    }

    [Fact]
    public void ExecuteModel_TupleResult_WritesEachOutput()
    {
        _store.StoreModel("m", Torch.Fixture("mul_two_outputs.pt"), Torch.Options);

        _store.ExecuteModel("m", ["a", "b"], ["product", "sum"]);

        Assert.Equal(new[] { 4f, 9, 4, 9 }, _store.GetTensor("product").GetData<float>().ToArray());
        Assert.Equal(new[] { 4f, 6, 4, 6 }, _store.GetTensor("sum").GetData<float>().ToArray());
    }

    [Fact]
    public void RunModel_Linear_MatchesHandComputedValues()
    {
        // weight[i][j] = 0.1 * (i + j), bias = [0.1, 0.2, 0.3]; y[r][i] = sum_j x[r][j] * weight[i][j] + bias[i].
        _store.StoreModel("linear", Torch.Fixture("linear.pt"), Torch.Options);
        float[] x = [1, 2, 3, 4, -1, 0.5f, 2, 0];
        var expected = new float[6];
        for (int r = 0; r < 2; r++)
        {
            for (int i = 0; i < 3; i++)
            {
                float sum = 0.1f * (i + 1);
                for (int j = 0; j < 4; j++)
                {
                    sum += x[(r * 4) + j] * 0.1f * (i + j);
                }

                expected[(r * 3) + i] = sum;
            }
        }

        AiTensor y = _store.RunModel("linear", [AiTensor.Create<float>(x, 2, 4)])[0];

        Assert.Equal(new TensorShape(2, 3), y.Shape);
        Assert.Equal(expected, y.GetData<float>().ToArray(), new FloatTolerance(1e-5f));
    }

    [Fact]
    public void RunModel_SlowWithSmallCount_MultipliesRepeatedly()
    {
        _store.StoreModel("slow", Torch.Fixture("slow.pt"), Torch.Options);

        AiTensor y = _store.RunModel("slow", [Torch.Floats(1, 2, 3, 4), AiTensor.Scalar(1000L)])[0];

        // float32 rounding accumulates over the 1,000 multiplications; only the order of magnitude is certain.
        double factor = Math.Pow(1.0000001, 1000);
        Assert.Equal(new[] { factor, 2 * factor, 3 * factor, 4 * factor }, y.GetData<float>().ToArray().Select(v => (double)v), new DoubleTolerance(1e-3));
    }

    [Theory]
    [InlineData(DataType.Double)]
    [InlineData(DataType.Int64)]
    [InlineData(DataType.Int32)]
    [InlineData(DataType.Int16)]
    [InlineData(DataType.Int8)]
    [InlineData(DataType.UInt8)]
    [InlineData(DataType.Float16)]
    public void RunModel_Add_KeepsTheInputDataType(DataType type)
    {
        int size = DataTypes.GetElementSize(type);
        byte[] one = type switch
        {
            DataType.Double => BitConverter.GetBytes(1.0),
            DataType.Float16 => BitConverter.GetBytes(Half.One),
            _ => [1, 0, 0, 0, 0, 0, 0, 0],
        };
        byte[] blob = [.. one.AsSpan(0, size), .. one.AsSpan(0, size), .. one.AsSpan(0, size)];
        AiTensor ones = AiTensor.FromBytes(type, new TensorShape(3), blob);

        AiTensor sum = _store.RunModel("add", [ones, ones])[0];

        Assert.Equal(type, sum.DataType);
        Assert.Equal(new TensorShape(3), sum.Shape);
        byte[] two = type switch
        {
            DataType.Double => BitConverter.GetBytes(2.0),
            DataType.Float16 => BitConverter.GetBytes((Half)2),
            _ => [2, 0, 0, 0, 0, 0, 0, 0],
        };
        Assert.Equal(two.AsSpan(0, size).ToArray(), sum.GetBytes()[..size].ToArray());
    }

    [Fact]
    public void RunModel_ScalarInputs_GiveScalarOutput()
    {
        AiTensor sum = _store.RunModel("add", [AiTensor.Scalar(2.5f), AiTensor.Scalar(1f)])[0];

        Assert.Equal(0, sum.Shape.Rank);
        Assert.Equal(3.5f, sum.GetData<float>()[0]);
    }

    [Fact]
    public void ExecuteModel_ShapesThatDoNotBroadcast_FailsWithTorchMessageAndWritesNothing()
    {
        _store.SetTensor("three", AiTensor.Create<float>([1, 2, 3], 3));
        _store.SetTensor("two", AiTensor.Create<float>([1, 2], 2));

        var ex = Assert.Throws<AiBackendException>(() => _store.ExecuteModel("add", ["three", "two"], ["c"]));

        Assert.Equal(AiErrorCode.ExecutionFailed, ex.Code);
        Assert.Contains("model 'add'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("must match the size of tensor b", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("frame #", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("c"));
        Assert.Equal(1, _store.GetRunInfo("add").Errors);
    }

    [Fact]
    public void RunModel_UnsupportedDataType_FailsNamingTheInput()
    {
        AiTensor words = AiTensor.CreateStrings(["x", "y"], 2);

        var ex = Assert.Throws<AiArgumentException>(() => _store.RunModel("add", [words, words]));

        Assert.Contains("input 0 ('a') of model 'add' is a STRING tensor, which TORCH cannot take", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecuteModel_WrongInputCount_FailsBeforeRunning()
    {
        var ex = Assert.Throws<AiArgumentException>(() => _store.ExecuteModel("add", ["a"], ["c"]));

        Assert.Contains("'add' takes 2 (a, b), 1 given", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecuteModel_TimeoutShorterThanTheRun_ThrowsTimeoutAndWritesNothing()
    {
        // libtorch cannot be interrupted: the run finishes, then its result is discarded.
        _store.StoreModel("slow", Torch.Fixture("slow.pt"), Torch.Options);
        _store.SetTensor("n", AiTensor.Scalar(100_000L));

        Assert.Throws<AiTimeoutException>(() => _store.ExecuteModel("slow", ["a", "n"], ["y"], TimeSpan.FromMilliseconds(20)));

        Assert.False(_store.Exists("y"));
    }

    [Fact]
    public async Task RunModel_ManyThreadsAtOnce_EachGetsItsOwnResult()
    {
        var tasks = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                float v = (t * 1000) + i;
                AiTensor sum = _store.RunModel("add", [Torch.Floats(v, v, v, v), Torch.Floats(1, 1, 1, 1)])[0];
                Assert.Equal(v + 1, sum.GetData<float>()[3]);
            }
        }));

        await Task.WhenAll(tasks);
    }
}
