using RedisAI.Testing.Onnx;

namespace RedisAI.Backends.Onnx.Tests;

/// <summary>
/// After a model's first run with some input shapes, the ONNX backend lets ONNX Runtime write outputs straight into
/// store tensors of the shapes that run produced. These tests run models whose outputs that prediction could get
/// wrong and check every run's results, the first (unbound) and later (bound) alike.
/// </summary>
public sealed class BoundOutputTests : IDisposable
{
    private readonly AiStore _store = Onnx.CreateStore();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void RepeatedRuns_GiveTheSameResultsAsTheFirst()
    {
        _store.StoreModel("mlp", TestModels.Mlp([8, 16, 4], seed: 3), Onnx.Options);
        var x = AiTensor.Create<float>(Enumerable.Range(0, 16).Select(i => i / 7f).ToArray(), 2, 8);
        float[] expected = TestModels.MlpReference([8, 16, 4], 3, x.GetData<float>().ToArray());

        for (int run = 0; run < 5; run++)
        {
            AiTensor y = _store.RunModel("mlp", [x])[0];

            Assert.Equal(new TensorShape(2, 4), y.Shape);
            Assert.Equal(expected, y.GetData<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-5f);
        }
    }

    [Fact]
    public void AlternatingBatchSizes_EachGetTheirOwnOutputShape()
    {
        _store.StoreModel("mul", TestModels.Mul(), Onnx.Options);

        for (int run = 0; run < 12; run++)
        {
            int rows = 1 + (run % 3);
            float[] values = Enumerable.Range(run, rows * 2).Select(i => (float)i).ToArray();
            var a = AiTensor.Create<float>(values, rows, 2);

            AiTensor c = _store.RunModel("mul", [a, a])[0];

            Assert.Equal(new TensorShape(rows, 2), c.Shape);
            Assert.Equal(values.Select(v => v * v).ToArray(), c.GetData<float>().ToArray());
        }
    }

    [Fact]
    public void OutputShapeSetByInputValues_SameInputShapesDifferentOutputShapes_EveryRunIsRight()
    {
        // Reshape's target shape is an input: both runs feed tensors of the same shapes, but the output shapes differ.
        _store.StoreModel(
            "reshape",
            new OnnxModelBuilder("reshape")
                .AddInput("x", OnnxElementType.Float, 6)
                .AddInput("shape", OnnxElementType.Int64, 2)
                .AddOutput("y", OnnxElementType.Float, null, null)
                .AddNode("Reshape", ["x", "shape"], ["y"])
                .Build(),
            Onnx.Options);
        var x = AiTensor.Create<float>([1f, 2, 3, 4, 5, 6], 6);

        foreach (long[] target in new[] { new long[] { 2, 3 }, [3, 2], [3, 2], [1, 6], [2, 3] })
        {
            AiTensor y = _store.RunModel("reshape", [x, AiTensor.Create<long>(target, 2)])[0];

            Assert.Equal(new TensorShape(target), y.Shape);
            Assert.Equal(new[] { 1f, 2, 3, 4, 5, 6 }, y.GetData<float>().ToArray());
        }
    }

    [Fact]
    public void OutputsThatAreAGraphInputOrAConstant_AreWrittenOnEveryRun()
    {
        _store.StoreModel(
            "passthrough",
            new OnnxModelBuilder("passthrough")
                .AddInput("x", OnnxElementType.Float, 2)
                .AddInitializer("w", [2], [10f, 20f])
                .AddOutput("x", OnnxElementType.Float, 2)
                .AddOutput("w", OnnxElementType.Float, 2)
                .AddOutput("y", OnnxElementType.Float, 2)
                .AddOutput("k", OnnxElementType.Float, 2)
                .AddNode("Add", ["x", "w"], ["y"])
                .AddNode("Add", ["w", "w"], ["k"])
                .Build(),
            Onnx.Options);

        for (int run = 0; run < 4; run++)
        {
            var x = AiTensor.Create<float>([run, -run], 2);

            AiTensor[] outputs = _store.RunModel("passthrough", [x]);

            Assert.Equal(new[] { (float)run, -run }, outputs[0].GetData<float>().ToArray());
            Assert.Equal(new[] { 10f, 20f }, outputs[1].GetData<float>().ToArray());
            Assert.Equal(new[] { 10f + run, 20f - run }, outputs[2].GetData<float>().ToArray());
            Assert.Equal(new[] { 20f, 40f }, outputs[3].GetData<float>().ToArray());
        }
    }

    [Fact]
    public void OutputEqualToTheWriteCheckSentinel_IsReturnedOnEveryRun()
    {
        // The first bound run fills outputs with 0xA5 to see whether ONNX Runtime writes them; a result that is
        // 0xA5 itself must still come back right.
        _store.StoreModel("identity", TestModels.Identity(OnnxElementType.UInt8, [1]), Onnx.Options);
        var x = AiTensor.Create<byte>([0xA5], 1);

        for (int run = 0; run < 4; run++)
        {
            Assert.Equal(new byte[] { 0xA5 }, _store.RunModel("identity", [x])[0].GetData<byte>().ToArray());
        }
    }

    [Fact]
    public void FailingRun_AfterASuccessfulOne_ReportsOnnxRuntimesErrorAndTheModelKeepsWorking()
    {
        _store.StoreModel(
            "gather",
            new OnnxModelBuilder("gather")
                .AddInput("data", OnnxElementType.Float, 3)
                .AddInput("index", OnnxElementType.Int64, 1)
                .AddOutput("y", OnnxElementType.Float, 1)
                .AddNode("Gather", ["data", "index"], ["y"])
                .Build(),
            Onnx.Options);
        var data = AiTensor.Create<float>([1f, 2, 3], 3);
        Assert.Equal(3f, _store.RunModel("gather", [data, AiTensor.Create<long>([2L], 1)])[0].GetData<float>()[0]);
        _store.SetTensor("index", AiTensor.Create<long>([7L], 1));
        _store.SetTensor("data", data);

        var ex = Assert.Throws<AiBackendException>(() => _store.ExecuteModel("gather", ["data", "index"], ["y"]));

        Assert.Equal(AiErrorCode.ExecutionFailed, ex.Code);
        Assert.Contains("model 'gather' failed in ONNX Runtime", ex.Message, StringComparison.Ordinal);
        Assert.Contains("7", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("y"));
        Assert.Equal(1f, _store.RunModel("gather", [data, AiTensor.Create<long>([0L], 1)])[0].GetData<float>()[0]);
    }

    [Fact]
    public void InputsMovedByGarbageCollections_GiveBitIdenticalResults()
    {
        // A sum of 1,000 floats: vectorized kernels add in an order that can depend on the data's alignment.
        _store.StoreModel(
            "sum",
            new OnnxModelBuilder("sum")
                .AddInput("x", OnnxElementType.Float, 1000)
                .AddOutput("y", OnnxElementType.Float)
                .AddNode("ReduceSum", ["x"], ["y"], OnnxAttr.FromInt64("keepdims", 0))
                .Build(),
            Onnx.Options);
        var random = new Random(5);
        float[] values = Enumerable.Range(0, 1000).Select(_ => (float)random.NextDouble() * 1000f).ToArray();
        var inputs = new List<AiTensor>();
        var spacers = new List<byte[]>();
        for (int i = 0; i < 32; i++)
        {
            spacers.Add(new byte[8 * (i + 1)]);
            inputs.Add(AiTensor.Create<float>(values, 1000));
        }

        float expected = _store.RunModel("sum", [AiTensor.Create<float>(values, 1000)])[0].GetData<float>()[0];
        spacers.Clear();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

        foreach (AiTensor input in inputs)
        {
            float sum = _store.RunModel("sum", [input])[0].GetData<float>()[0];

            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(sum));
            Assert.Equal(values, input.GetData<float>().ToArray());
        }
    }
}
