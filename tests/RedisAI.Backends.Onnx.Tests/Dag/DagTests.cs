using RedisAI.Testing.Onnx;

namespace RedisAI.Backends.Onnx.Tests.Dag;

public sealed class DagTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private readonly AiStore _store = Onnx.CreateStore();

    public DagTests()
    {
        _store.StoreModel("mul", TestModels.Mul(), Onnx.Options);
        _store.SetTensor("p", AiTensor.Create<float>([5, 10], 1, 2));
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Load_ThenGetTensor_ReturnsTheStoredTensor()
    {
        // RedisAI C59.
        DagResult result = await _store.CreateReadOnlyDag().Load("p").GetTensor("p").ExecuteAsync();

        Assert.Equal(new[] { 5f, 10f }, Assert.Single(result.Tensors).GetData<float>().ToArray());
    }

    [Fact]
    public async Task LocalTensors_StayLocal_OnlyPersistedOnesAreWritten()
    {
        // RedisAI C60.
        await _store.CreateDag()
            .SetTensor("t1", AiTensor.Scalar(1f))
            .SetTensor("t2", AiTensor.Scalar(2f))
            .SetTensor("t3", AiTensor.Create<float>([5, 10], 1, 2))
            .SetTensor("t4", AiTensor.Scalar(4f))
            .Persist("t3")
            .ExecuteAsync();

        Assert.False(_store.Exists("t1") || _store.Exists("t2") || _store.Exists("t4"));
        Assert.Equal(new[] { 5f, 10f }, _store.GetTensor("t3").GetData<float>().ToArray());
    }

    [Fact]
    public async Task RewrittenName_EachReadSeesTheVersionBeforeIt_PersistTakesTheLast()
    {
        // RedisAI C61.
        DagResult result = await _store.CreateDag()
            .SetTensor("t", AiTensor.Create<float>([5, 10], 1, 2))
            .GetTensor("t")
            .SetTensor("t", AiTensor.Create<float>([20, 40, 60, 80], 1, 4))
            .GetTensor("t")
            .Persist("t")
            .ExecuteAsync();

        Assert.Equal(new TensorShape(1, 2), result.Tensors[0].Shape);
        Assert.Equal(new TensorShape(1, 4), result.Tensors[1].Shape);
        Assert.Equal(new TensorShape(1, 4), _store.GetTensor("t").Shape);
    }

    [Fact]
    public async Task ModelOnLoadedAndLocalTensors_PersistsOnlyTheResult()
    {
        // RedisAI C62.
        DagResult result = await _store.CreateDag()
            .Load("p")
            .SetTensor("tx", AiTensor.Create<float>([2, 3], 1, 2))
            .ExecuteModel("mul", ["tx", "p"], ["res"])
            .GetTensor("res")
            .Persist("res")
            .ExecuteAsync();

        Assert.Equal(new[] { 10f, 30f }, result.Tensors[0].GetData<float>().ToArray());
        Assert.Equal(new[] { 10f, 30f }, _store.GetTensor("res").GetData<float>().ToArray());
        Assert.False(_store.Exists("tx"));
    }

    [Fact]
    public async Task Ensemble_TwoModelsInParallelAndAnAveragingScript_InOneDag()
    {
        int[] layers = [4, 8, 3];
        _store.StoreModel("model-a", TestModels.Mlp(layers, seed: 1), Onnx.Options);
        _store.StoreModel("model-b", TestModels.Mlp(layers, seed: 2), Onnx.Options with { Device = Device.CpuAt(1) });
        _store.StoreScript("ensemble", DotNetScript.Create("average", Average));
        var x = AiTensor.Create<float>([0.5f, -1, 2, 0.25f], 1, 4);
        _store.SetTensor("x", x);

        DagResult result = await _store.CreateDag()
            .Load("x")
            .ExecuteModel("model-a", ["x"], ["ya"])
            .ExecuteModel("model-b", ["x"], ["yb"])
            .ExecuteScript("ensemble", "average", ["ya", "yb"], ["y"])
            .GetTensor("y")
            .Persist("y")
            .ExecuteAsync().WaitAsync(Guard);

        float[] a = _store.RunModel("model-a", [x])[0].GetData<float>().ToArray();
        float[] b = _store.RunModel("model-b", [x])[0].GetData<float>().ToArray();
        float[] expected = [.. a.Zip(b, (p, q) => (p + q) / 2)];
        Assert.Equal(expected, result.Tensors[0].GetData<float>().ToArray());
        Assert.Equal(expected, _store.GetTensor("y").GetData<float>().ToArray());
        Assert.False(_store.Exists("ya") || _store.Exists("yb"));
    }

    [Fact]
    public async Task IndependentOperations_RunConcurrentlyOnTheirDevices()
    {
        // Each entry point returns only once both have started: run one after the other, they would time out.
        using var barrier = new Barrier(2);
        AiTensor[] Rendezvous(ScriptContext context) =>
            barrier.SignalAndWait(TimeSpan.FromSeconds(20)) ? [context.Inputs[0]] : throw new InvalidOperationException("ran alone");
        _store.StoreScript("left", DotNetScript.Create("meet", Rendezvous), Device.Cpu);
        _store.StoreScript("right", DotNetScript.Create("meet", Rendezvous), Device.CpuAt(1));

        DagResult result = await _store.CreateDag()
            .Load("p")
            .ExecuteScript("left", "meet", ["p"], ["l"])
            .ExecuteScript("right", "meet", ["p"], ["r"])
            .GetTensor("l")
            .GetTensor("r")
            .ExecuteAsync().WaitAsync(Guard);

        Assert.Equal(2, result.Tensors.Count);
    }

    [Fact]
    public async Task TwoRunsOfABatchedModel_InOneDag_AreBatchedTogether()
    {
        // BATCHSIZE 2 MINBATCHSIZE 2 without timeout: a lone call would wait forever, so completing proves the batch.
        _store.StoreModel("batched", TestModels.Mul(), Onnx.Options with { BatchSize = 2, MinBatchSize = 2 });

        DagResult result = await _store.CreateReadOnlyDag()
            .Load("p")
            .ExecuteModel("batched", ["p", "p"], ["y1"])
            .ExecuteModel("batched", ["p", "p"], ["y2"])
            .GetTensor("y1")
            .GetTensor("y2")
            .ExecuteAsync().WaitAsync(Guard);

        Assert.All(result.Tensors, t => Assert.Equal(new[] { 25f, 100f }, t.GetData<float>().ToArray()));
        RunInfo info = _store.GetRunInfo("batched");
        Assert.Equal((2, 2), (info.Calls, info.Samples));
    }

    [Fact]
    public async Task FailingOperation_NamesItAndPersistsNothing()
    {
        _store.SetTensor("out", AiTensor.Scalar(7f));
        _store.StoreModel("dyn", TestModels.MulDynamic(), Onnx.Options);

        var ex = await Assert.ThrowsAsync<AiDagException>(() => _store.CreateDag()
            .SetTensor("three", AiTensor.Create<float>([1, 2, 3], 3))
            .SetTensor("two", AiTensor.Create<float>([1, 2], 2))
            .SetTensor("out", AiTensor.Scalar(1f))
            .ExecuteModel("dyn", ["three", "two"], ["bad"])
            .Persist("out")
            .Persist("bad")
            .ExecuteAsync());

        Assert.Equal(3, ex.OperationIndex);
        Assert.Equal(DagOperationKind.ExecuteModel, ex.OperationKind);
        Assert.Equal(AiErrorCode.ExecutionFailed, ex.Code);
        Assert.Contains("operation 3 (AI.MODELEXECUTE 'dyn') failed", ex.Message, StringComparison.Ordinal);
        Assert.IsType<AiBackendException>(ex.InnerException);
        Assert.Equal(7f, _store.GetTensor("out").GetData<float>()[0]);
        Assert.False(_store.Exists("bad"));
    }

    [Fact]
    public async Task FailingScript_StopsTheDagAndLaterOperationsNeverRun()
    {
        int ran = 0;
        _store.StoreScript("s", DotNetScript.Create(
        [
            new("fail", _ => throw new InvalidOperationException("list index out of range")),
            new("count", c =>
            {
                Interlocked.Increment(ref ran);
                return [c.Inputs[0]];
            }),
        ]));

        var ex = await Assert.ThrowsAsync<AiDagException>(() => _store.CreateDag()
            .Load("p")
            .ExecuteScript("s", "fail", ["p"], ["x"])
            .ExecuteScript("s", "count", ["x"], ["y"])
            .Persist("y")
            .ExecuteAsync());

        Assert.Equal(0, ex.OperationIndex); // LOAD is not an operation
        Assert.Contains("list index out of range", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, ran);
        Assert.False(_store.Exists("y"));
    }

    [Fact]
    public async Task Timeout_FailsTheWholeDagAndWritesNothing()
    {
        _store.StoreModel("slow", TestModels.Slow(), Onnx.Options);

        await Assert.ThrowsAsync<AiTimeoutException>(() => _store.CreateDag()
            .SetTensor("x", AiTensor.Create<float>([1, 2], 1, 2))
            .SetTensor("m", AiTensor.Scalar(1_000_000_000L))
            .ExecuteModel("slow", ["x", "m"], ["y"])
            .Persist("y")
            .WithTimeout(TimeSpan.FromMilliseconds(200))
            .ExecuteAsync().WaitAsync(Guard));

        Assert.False(_store.Exists("y"));
    }

    [Fact]
    public async Task Validation_InputNobodyProduces_FailsBeforeAnythingRuns()
    {
        // RedisAI C70.
        int ran = 0;
        _store.StoreScript("s", DotNetScript.Create("count", c =>
        {
            Interlocked.Increment(ref ran);
            return [c.Inputs[0]];
        }));

        var ex = await Assert.ThrowsAsync<AiArgumentException>(() => _store.CreateDag()
            .Load("p")
            .ExecuteScript("s", "count", ["p"], ["x"])
            .ExecuteModel("mul", ["x", "missing"], ["y"])
            .ExecuteAsync());

        Assert.Contains("INPUT key cannot be found in DAG", ex.Message, StringComparison.Ordinal);
        Assert.Contains("operation 1 (AI.MODELEXECUTE 'mul') reads 'missing'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, ran);
    }

    [Fact]
    public async Task Validation_HeaderAndOperationErrors_AreClear()
    {
        var persistMissing = await Assert.ThrowsAsync<AiArgumentException>(() => _store.CreateDag().Load("p").GetTensor("p").Persist("nothing").ExecuteAsync());
        Assert.Contains("PERSIST key cannot be found in DAG", persistMissing.Message, StringComparison.Ordinal);

        var loadMissing = await Assert.ThrowsAsync<AiKeyNotFoundException>(() => _store.CreateDag().Load("absent").GetTensor("absent").ExecuteAsync());
        Assert.Equal("absent", loadMissing.Key);

        _store.StoreScript("s", DotNetScript.Create("f", c => [.. c.Inputs]));
        await Assert.ThrowsAsync<AiWrongTypeException>(() => _store.CreateDag().Load("s").GetTensor("s").ExecuteAsync());

        var empty = await Assert.ThrowsAsync<AiArgumentException>(() => _store.CreateDag().Load("p").ExecuteAsync());
        Assert.Contains("DAG is empty", empty.Message, StringComparison.Ordinal);

        var unknownModel = await Assert.ThrowsAsync<AiDagException>(() => _store.CreateDag().Load("p").ExecuteModel("nope", ["p", "p"], ["y"]).ExecuteAsync());
        Assert.Equal(AiErrorCode.KeyNotFound, unknownModel.Code);
        Assert.Equal(0, unknownModel.OperationIndex);

        // RedisAI C69: counts are checked against the model before anything runs.
        var wrongCount = await Assert.ThrowsAsync<AiDagException>(() => _store.CreateDag().Load("p").ExecuteModel("mul", ["p"], ["y"]).ExecuteAsync());
        Assert.Contains("Number of keys given as INPUTS here does not match model definition", wrongCount.Message, StringComparison.Ordinal);

        var duplicate = await Assert.ThrowsAsync<AiArgumentException>(() => _store.CreateDag().Load("p").GetTensor("p").Persist("p").Persist("p").ExecuteAsync());
        Assert.Contains("PERSIST keys must be unique", duplicate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOnlyDag_RefusesPersistAndScripts()
    {
        // RedisAI C68.
        _store.StoreScript("s", DotNetScript.Create("f", c => [.. c.Inputs]));

        var persist = await Assert.ThrowsAsync<AiArgumentException>(() => _store.CreateReadOnlyDag().Load("p").GetTensor("p").Persist("p").ExecuteAsync());
        var script = await Assert.ThrowsAsync<AiDagException>(() => _store.CreateReadOnlyDag().Load("p").ExecuteScript("s", "f", ["p"], ["q"]).ExecuteAsync());

        Assert.Contains("PERSIST cannot be specified in a read-only DAG", persist.Message, StringComparison.Ordinal);
        Assert.Contains("AI.SCRIPTEXECUTE command cannot be specified in a read-only DAG", script.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PersistOntoAModelKey_FailsUpFrontAndWritesNothing()
    {
        var ex = await Assert.ThrowsAsync<AiWrongTypeException>(() => _store.CreateDag()
            .SetTensor("fresh", AiTensor.Scalar(1f))
            .SetTensor("mul", AiTensor.Scalar(2f))
            .Persist("fresh")
            .Persist("mul")
            .ExecuteAsync());

        Assert.Equal("mul", ex.Key);
        Assert.False(_store.Exists("fresh"));
        Assert.Equal(KeyType.Model, _store.GetKeyType("mul"));
    }

    [Fact]
    public async Task Persist_WithExpiry_SetsTheKeysTimeToLive()
    {
        await _store.CreateDag().SetTensor("state", AiTensor.Scalar(1f)).Persist("state", TimeSpan.FromMinutes(5)).ExecuteAsync();

        Assert.InRange(_store.GetTimeToLive("state")!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task ScriptReturningWrongNumberOfOutputs_FailsItsOperation()
    {
        _store.StoreScript("s", DotNetScript.Create("two", c => [c.Inputs[0], c.Inputs[0]]));

        var ex = await Assert.ThrowsAsync<AiDagException>(() => _store.CreateDag().Load("p").ExecuteScript("s", "two", ["p"], ["only"]).ExecuteAsync());

        Assert.Contains("Function returned unexpected number of outputs", ex.Message, StringComparison.Ordinal);
    }

    private static AiTensor[] Average(ScriptContext context)
    {
        ReadOnlySpan<float> a = context.Inputs[0].GetData<float>();
        ReadOnlySpan<float> b = context.Inputs[1].GetData<float>();
        TensorWriter writer = AiTensor.Allocate(DataType.Float, context.Inputs[0].Shape);
        System.Numerics.Tensors.TensorPrimitives.Add(a, b, writer.GetSpan<float>());
        System.Numerics.Tensors.TensorPrimitives.Divide(writer.GetSpan<float>(), 2f, writer.GetSpan<float>());
        return [writer.Complete()];
    }
}
