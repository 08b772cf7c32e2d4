using System.Numerics.Tensors;

namespace RedisAI.Core.Tests.Scripts;

public sealed class DotNetScriptTests : IDisposable
{
    private readonly AiStore _store = new(new AiStoreOptions(), [new AddModelBackend()]);

    public DotNetScriptTests()
    {
        _store.SetTensor("a", Floats(2, 3, 2, 3));
        _store.SetTensor("b", Floats(2, 3, 2, 3));
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public void StoreScript_DotNet_ReportsEntryPointsAndBackend()
    {
        ScriptInfo info = _store.StoreScript("s", BarScript(), Device.CpuAt(1), "v1");

        Assert.Equal(DotNetScript.BackendName, info.Backend);
        Assert.Equal(["bar", "bar_variadic"], info.EntryPoints);
        Assert.Equal("CPU:1", info.Device.ToString());
        Assert.Equal("v1", info.Tag);
        Assert.Equal(string.Empty, info.Source);
        Assert.Same(info, _store.GetScript("s"));
        Assert.Equal(KeyType.Script, _store.GetKeyType("s"));
        Assert.Equal(1, _store.GetMemoryUsage().ScriptCount);
    }

    [Fact]
    public void ExecuteScript_Bar_WritesTheSumOfTheFirstTwoInputs()
    {
        // RedisAI C52, with a C# entry point.
        _store.StoreScript("s", BarScript());

        _store.ExecuteScript("s", "bar", ["{1}"], ["a", "b"], [], ["c"]);

        Assert.Equal(new[] { 4f, 6, 4, 6 }, _store.GetTensor("c").GetData<float>().ToArray());
    }

    [Fact]
    public async Task ExecuteScriptAsync_BarVariadic_UsesInputsInOrder()
    {
        // RedisAI C53.
        _store.StoreScript("s", BarScript());
        _store.SetTensor("b1", Floats(1, 1, 1, 1));

        await _store.ExecuteScriptAsync("s", "bar_variadic", [], ["a", "b", "b1"], [], ["c"]);

        Assert.Equal(new[] { 3f, 4, 3, 4 }, _store.GetTensor("c").GetData<float>().ToArray());
    }

    [Fact]
    public void RunScript_SystemNumericsTensors_WorkInside()
    {
        var script = DotNetScript.Create("scale", ctx =>
        {
            float factor = (float)ctx.Args[0].AsDouble();
            Tensor<float> x = ctx.Inputs[0].ToTensor<float>();
            Tensor<float> scaled = Tensor.Multiply<float>(x, factor);
            return [AiTensor.FromTensor(scaled)];
        });
        _store.StoreScript("s", script);

        AiTensor y = _store.RunScript("s", "scale", [Floats(1, 2, 3, 4)], args: [0.5])[0];

        Assert.Equal(new[] { 0.5f, 1, 1.5f, 2 }, y.GetData<float>().ToArray());
        Assert.Equal(new TensorShape(2, 2), y.Shape);
    }

    [Fact]
    public async Task RunScriptAsync_KeysAndArgs_ArriveTyped()
    {
        ScriptContext? seen = null;
        _store.StoreScript("s", DotNetScript.Create("look", ctx =>
        {
            seen = ctx;
            return [];
        }));

        AiTensor[] result = await _store.RunScriptAsync("s", "look", [], ["k1", "k2"], ["mode", 3, 0.5, new long[] { 1, 2 }]);

        Assert.Empty(result);
        Assert.NotNull(seen);
        Assert.Equal("s", seen.ScriptKey);
        Assert.Equal("look", seen.Function);
        Assert.Equal(["k1", "k2"], seen.Keys);
        Assert.Equal("mode", seen.Args[0].AsString());
        Assert.Equal(3, seen.Args[1].AsInt64());
        Assert.Equal(0.5, seen.Args[2].AsDouble());
        Assert.Equal([1L, 2], seen.Args[3].AsInt64List());
    }

    [Fact]
    public void ExecuteScript_ReadsKeysThroughTheStore()
    {
        // RedisAI C57: a script reads the keys it is given.
        _store.StoreScript("s", DotNetScript.Create("sum_keys", ctx =>
        {
            float total = 0;
            foreach (string key in ctx.Keys)
            {
                total += TensorPrimitives.Sum(ctx.Store.GetTensor(key).GetData<float>());
            }

            return [AiTensor.Scalar(total)];
        }));

        _store.ExecuteScript("s", "sum_keys", ["a", "b"], [], [], ["total"]);

        Assert.Equal(20f, _store.GetTensor("total").GetData<float>()[0]);
    }

    [Fact]
    public async Task ExecuteScript_RunsAModelOnItsOwnDevice()
    {
        // RedisAI C58 (redisAI.model_execute): the model runs on the script's thread, within the script's slot.
        _store.StoreModel("add", new byte[] { 1 }, new ModelOptions { Backend = AddModelBackend.BackendName });
        _store.StoreScript("s", DotNetScript.Create("twice_sum", ctx =>
        {
            AiTensor sum = ctx.Store.RunModel(ctx.Keys[0], [ctx.Inputs[0], ctx.Inputs[1]])[0];
            return [.. ctx.Store.RunModel(ctx.Keys[0], [sum, sum])];
        }));

        var run = Task.Run(() => _store.ExecuteScript("s", "twice_sum", ["add"], ["a", "b"], [], ["y"]));

        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10))));
        await run;
        Assert.Equal(new[] { 8f, 12, 8, 12 }, _store.GetTensor("y").GetData<float>().ToArray());
    }

    [Fact]
    public async Task ExecuteScriptAsync_RunsAModelOnItsOwnDevice()
    {
        _store.StoreModel("add", new byte[] { 1 }, new ModelOptions { Backend = AddModelBackend.BackendName });
        _store.StoreScript("s", DotNetScript.Create("sum", ctx => ctx.Store.RunModel("add", [ctx.Inputs[0], ctx.Inputs[1]])));

        Task run = _store.ExecuteScriptAsync("s", "sum", [], ["a", "b"], [], ["y"]);

        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10))));
        await run;
        Assert.Equal(new[] { 4f, 6, 4, 6 }, _store.GetTensor("y").GetData<float>().ToArray());
    }

    [Fact]
    public void ExecuteScript_WrongOutputCount_FailsAndWritesNothing()
    {
        _store.StoreScript("s", BarScript());

        var ex = Assert.Throws<AiBackendException>(() => _store.ExecuteScript("s", "bar", [], ["a", "b"], [], ["c", "d"]));

        Assert.StartsWith("Function returned unexpected number of outputs - bar", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("c"));
        Assert.False(_store.Exists("d"));
    }

    [Fact]
    public void ExecuteScript_NoOutputKeys_DiscardsTheResult()
    {
        _store.StoreScript("s", BarScript());

        _store.ExecuteScript("s", "bar", [], ["a", "b"], [], []);

        Assert.Equal(2, _store.GetMemoryUsage().TensorCount);
    }

    [Fact]
    public void ExecuteScript_DelegateThrows_FailsWithScriptKeyAndCountsTheError()
    {
        _store.StoreScript("s", DotNetScript.Create("boom", _ => throw new InvalidOperationException("kaput")));

        var ex = Assert.Throws<AiBackendException>(() => _store.ExecuteScript("s", "boom", [], ["a"], [], ["c"]));

        Assert.Equal(AiErrorCode.ExecutionFailed, ex.Code);
        Assert.Contains("script 's' (DOTNET) function 'boom' failed: kaput", ex.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(ex.InnerException);
        RunInfo info = _store.GetRunInfo("s");
        Assert.Equal((1L, 1L), (info.Calls, info.Errors));
    }

    [Fact]
    public void ExecuteScript_Twice_CountsCallsWithoutSamples()
    {
        _store.StoreScript("s", BarScript(), tag: "t");

        _store.ExecuteScript("s", "bar", [], ["a", "b"], [], ["c"]);
        _store.ExecuteScript("s", "bar", [], ["a", "b"], [], ["c"]);

        RunInfo info = _store.GetRunInfo("s");
        Assert.Equal(KeyType.Script, info.Type);
        Assert.Equal(DotNetScript.BackendName, info.Backend);
        Assert.Equal("t", info.Tag);
        Assert.Equal(2, info.Calls);
        Assert.Equal(-1, info.Samples);
    }

    [Fact]
    public void ExecuteScript_UnknownEntryPoint_FailsBeforeRunning()
    {
        _store.StoreScript("s", BarScript());

        var ex = Assert.Throws<AiArgumentException>(() => _store.ExecuteScript("s", "baz", [], ["a", "b"], [], ["c"]));

        Assert.Contains("Function does not exist: baz", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bar, bar_variadic", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _store.GetRunInfo("s").Calls);
    }

    [Fact]
    public void ExecuteScript_MissingScript_FailsNamingTheKey()
    {
        // RedisAI C55 (its "script key is empty" is the server's wording of this error code).
        var ex = Assert.Throws<AiKeyNotFoundException>(() => _store.ExecuteScript("nope", "bar", [], ["a"], [], ["c"]));

        Assert.Equal("nope", ex.Key);
        Assert.Contains("key 'nope' does not exist (expected a script)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecuteScript_StoreCallInsideFails_KeepsTheErrorTypeAndNamesTheScript()
    {
        _store.StoreScript("reader", DotNetScript.Create("read", context => [context.Store.GetTensor(context.Keys[0])]));
        _store.SetTensor("model-key-holds-tensor", Floats(1, 2));
        _store.StoreScript("runner", DotNetScript.Create("run", context => context.Store.RunModel(context.Keys[0], [.. context.Inputs])));

        var missing = Assert.Throws<AiKeyNotFoundException>(() => _store.ExecuteScript("reader", "read", ["absent"], [], [], ["c"]));
        var wrongType = Assert.Throws<AiWrongTypeException>(() => _store.RunScript("runner", "run", [Floats(1, 2)], ["model-key-holds-tensor"]));

        Assert.Equal("absent", missing.Key);
        Assert.Equal("script 'reader' function 'read' failed: key 'absent' does not exist (expected a tensor)", missing.Message);
        Assert.IsType<AiKeyNotFoundException>(missing.InnerException);
        Assert.Equal(("model-key-holds-tensor", KeyType.Model, KeyType.Tensor), (wrongType.Key, wrongType.Expected, wrongType.Actual));
        Assert.StartsWith("script 'runner' function 'run' failed: WRONGTYPE", wrongType.Message, StringComparison.Ordinal);
        Assert.Equal(1, _store.GetRunInfo("reader").Errors);
        Assert.False(_store.Exists("c"));
    }

    [Fact]
    public void ExecuteScript_MissingInput_FailsNamingTheKey()
    {
        _store.StoreScript("s", BarScript());

        var ex = Assert.Throws<AiKeyNotFoundException>(() => _store.ExecuteScript("s", "bar", [], ["a", "missing"], [], ["c"]));

        Assert.Equal("missing", ex.Key);
        Assert.Contains("key 'missing' does not exist: input 1 of script 's' reads it as a tensor", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecuteScript_ScriptKeyHoldsTensor_ThrowsWrongType()
    {
        Assert.Throws<AiWrongTypeException>(() => _store.ExecuteScript("a", "bar", [], ["a"], [], ["c"]));
    }

    [Fact]
    public void ExecuteScript_OutputKeyHoldsScript_ThrowsWrongTypeBeforeRunning()
    {
        _store.StoreScript("s", BarScript());
        _store.StoreScript("other", BarScript());

        Assert.Throws<AiWrongTypeException>(() => _store.ExecuteScript("s", "bar", [], ["a", "b"], [], ["other"]));

        Assert.Equal(0, _store.GetRunInfo("s").Calls);
    }

    [Fact]
    public void ExecuteScript_TimeoutWhileRunning_ThrowsTimeoutAndWritesNothing()
    {
        _store.StoreScript("s", DotNetScript.Create("wait", ctx =>
        {
            ctx.CancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(10));
            ctx.CancellationToken.ThrowIfCancellationRequested();
            return [ctx.Inputs[0]];
        }));

        Assert.Throws<AiTimeoutException>(() => _store.ExecuteScript("s", "wait", [], ["a"], [], ["c"], TimeSpan.FromMilliseconds(50)));

        Assert.False(_store.Exists("c"));
    }

    [Fact]
    public async Task ExecuteScriptAsync_Cancelled_ThrowsAndWritesNothing()
    {
        using var started = new ManualResetEventSlim();
        _store.StoreScript("s", DotNetScript.Create("wait", ctx =>
        {
            started.Set();
            ctx.CancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(10));
            ctx.CancellationToken.ThrowIfCancellationRequested();
            return [ctx.Inputs[0]];
        }));
        using var cancellation = new CancellationTokenSource();

        Task run = _store.ExecuteScriptAsync("s", "wait", [], ["a"], [], ["c"], cancellationToken: cancellation.Token);
        started.Wait(TimeSpan.FromSeconds(10));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.False(_store.Exists("c"));
    }

    [Fact]
    public async Task DeleteScript_RunningCallFinishesOnTheDeletedScript()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        _store.StoreScript("s", DotNetScript.Create("slow", ctx =>
        {
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(10));
            return [ctx.Inputs[0]];
        }));

        var run = Task.Run(() => _store.ExecuteScript("s", "slow", [], ["a"], [], ["c"]));
        entered.Wait(TimeSpan.FromSeconds(10));
        Assert.True(_store.DeleteScript("s"));
        release.Set();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(_store.Exists("s"));
        Assert.True(_store.Exists("c"));
    }

    [Fact]
    public void StoreScript_SourceWithoutScriptBackend_FailsNamingDotNetScripts()
    {
        var ex = Assert.Throws<AiStoreException>(() => _store.StoreScript("s", "def bar(...)", new ScriptOptions { EntryPoints = ["bar"] }));

        Assert.Equal(AiErrorCode.BackendNotFound, ex.Code);
        Assert.Contains("StoreScript(key, DotNetScript)", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("s"));
    }

    [Fact]
    public void StoreScript_NoEntryPoints_FailsWithRedisAIMessage()
    {
        // RedisAI C47.
        var ex = Assert.Throws<AiArgumentException>(() => _store.StoreScript("s", "source", new ScriptOptions { EntryPoints = [] }));

        Assert.Contains("Insufficient arguments, missing script entry points", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StoreScript_KeyHoldsTensor_ThrowsWrongType()
    {
        Assert.Throws<AiWrongTypeException>(() => _store.StoreScript("a", BarScript()));

        Assert.Equal(KeyType.Tensor, _store.GetKeyType("a"));
    }

    [Fact]
    public void DeleteScript_MissingOrWrongType_BehavesAsRedisAI()
    {
        // RedisAI C51.
        _store.StoreScript("s", BarScript());

        Assert.True(_store.DeleteScript("s"));
        Assert.False(_store.DeleteScript("s"));
        Assert.Throws<AiWrongTypeException>(() => _store.DeleteScript("a"));
        Assert.Throws<AiKeyNotFoundException>(() => _store.GetScript("s"));
    }

    [Fact]
    public void Create_RepeatedOrEmptyNames_Fail()
    {
        Assert.Throws<AiArgumentException>(() => DotNetScript.Create([]));
        Assert.Throws<AiArgumentException>(() => DotNetScript.Create(string.Empty, _ => []));
        Assert.Throws<AiArgumentException>(() => DotNetScript.Create(
            [new KeyValuePair<string, ScriptFunction>("f", _ => []), new KeyValuePair<string, ScriptFunction>("f", _ => [])]));
    }

    private static DotNetScript BarScript() => DotNetScript.Create(new Dictionary<string, ScriptFunction>
    {
        ["bar"] = ctx => [Add(ctx.Inputs[0], ctx.Inputs[1])],
        ["bar_variadic"] = ctx => [Add(ctx.Inputs[1], ctx.Inputs[2])],
    });

    private static AiTensor Add(AiTensor x, AiTensor y)
    {
        TensorWriter sum = AiTensor.Allocate(DataType.Float, x.Shape);
        TensorPrimitives.Add(x.GetData<float>(), y.GetData<float>(), sum.GetSpan<float>());
        return sum.Complete();
    }

    private static AiTensor Floats(params float[] values) => AiTensor.Create<float>(values, 2, values.Length / 2);
}
