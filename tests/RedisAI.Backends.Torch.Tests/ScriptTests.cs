namespace RedisAI.Backends.Torch.Tests;

public sealed class ScriptTests : IDisposable
{
    private const string ExtraSource = """

        def scaled(tensors: List[Tensor], keys: List[str], args: List[str]):
            factor = float(args[0])
            offset = int(args[1])
            return tensors[0] * factor + offset

        def describe(tensors: List[Tensor], keys: List[str], args: List[str]):
            return torch.tensor([len(tensors), len(keys), len(args), len(keys[0]), len(args[1])])

        def is_key(tensors: List[Tensor], keys: List[str], args: List[str]):
            return torch.tensor([int(keys[0] == "clé-😀"), len(keys[0])])

        def pair(tensors: List[Tensor], keys: List[str], args: List[str]):
            return tensors[0] + 1, [tensors[0] * 2, tensors[0] * 3]

        def as_list(tensors: List[Tensor], keys: List[str], args: List[str]):
            return [t.sum() for t in tensors]

        def not_a_tensor(tensors: List[Tensor], keys: List[str], args: List[str]):
            return len(tensors)

        def fails(tensors: List[Tensor], keys: List[str], args: List[str]):
            assert len(args) > 0, "need one argument"
            return tensors[0]
        """;

    private readonly AiStore _store = Torch.CreateStore();

    public ScriptTests()
    {
        _store.SetTensor("a", Torch.Floats(2, 3, 2, 3));
        _store.SetTensor("b", Torch.Floats(2, 3, 2, 3));
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public void StoreScript_WithEntryPoints_StoresAndReplacesWithTag()
    {
        // RedisAI C46 and C50.
        ScriptInfo first = _store.StoreScript("s", Torch.ScriptSource, Torch.ScriptOptions("bar", "bar_variadic"));
        ScriptInfo second = _store.StoreScript("s", Torch.ScriptSource, Torch.ScriptOptions("bar", "bar_variadic") with { Tag = "asdf" });

        Assert.Equal("TORCH", first.Backend);
        Assert.Equal(string.Empty, first.Tag);
        ScriptInfo stored = _store.GetScript("s");
        Assert.Same(second, stored);
        Assert.Equal("asdf", stored.Tag);
        Assert.Equal("CPU", stored.Device.ToString());
        Assert.Equal(["bar", "bar_variadic"], stored.EntryPoints);
        Assert.Equal(Torch.ScriptSource, stored.Source);
        Assert.Equal(KeyType.Script, _store.GetKeyType("s"));
    }

    [Fact]
    public void StoreScript_MissingEntryPoint_FailsWithRedisAIMessage()
    {
        // RedisAI C48.
        var ex = Assert.Throws<AiBackendException>(() => _store.StoreScript("s", Torch.ScriptSource, Torch.ScriptOptions("bar", "bar1")));

        Assert.Equal(AiErrorCode.InvalidModel, ex.Code);
        Assert.StartsWith("Function bar1 does not exist in the given script.", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("s"));
    }

    [Fact]
    public void StoreScript_EntryPointWithTwoParameters_FailsWithRedisAIMessage()
    {
        // RedisAI C49.
        const string source = "def bar(a: Tensor, b: Tensor):\n    return a + b\n";

        var ex = Assert.Throws<AiBackendException>(() => _store.StoreScript("s", source, Torch.ScriptOptions("bar")));

        Assert.StartsWith("Wrong number of inputs in function bar. Expected 3 but was 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StoreScript_EntryPointWithWrongTypes_FailsWithRedisAIMessage()
    {
        const string source = "def bar(tensors: List[Tensor], keys: List[str], args: List[int]):\n    return tensors[0]\n";

        var ex = Assert.Throws<AiBackendException>(() => _store.StoreScript("s", source, Torch.ScriptOptions("bar")));

        Assert.StartsWith(
            "Wrong inputs type in function bar. Expected signature similar to: def bar(tensors: List[Tensor], keys: List[str], args: List[str])",
            ex.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void StoreScript_QualifiedTypeNames_AreAccepted()
    {
        const string source = "def bar(tensors: List[torch.Tensor],\n        keys: List[str],\n        args: List[str]) -> Tensor:\n    return tensors[0]\n";

        ScriptInfo info = _store.StoreScript("s", source, Torch.ScriptOptions("bar"));

        Assert.Equal(["bar"], info.EntryPoints);
    }

    [Fact]
    public void StoreScript_SourceThatDoesNotCompile_FailsWithTorchScriptMessageAndKeepsOldValue()
    {
        _store.StoreScript("s", Torch.ScriptSource, Torch.ScriptOptions("bar"));
        const string broken = "def bar(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0] +* 2\n";

        var ex = Assert.Throws<AiBackendException>(() => _store.StoreScript("s", broken, Torch.ScriptOptions("bar")));

        Assert.Equal(AiErrorCode.InvalidModel, ex.Code);
        Assert.Contains("could not compile script 's'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("<--- HERE", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Torch.ScriptSource, _store.GetScript("s").Source);
    }

    [Fact]
    public void StoreScript_UndefinedName_FailsInsteadOfAbortingTheProcess()
    {
        const string broken = "def bar(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return missing_thing\n";

        var ex = Assert.Throws<AiBackendException>(() => _store.StoreScript("s", broken, Torch.ScriptOptions("bar")));

        Assert.Contains("undefined value missing_thing", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("s"));
    }

    [Fact]
    public void StoreScript_EmptySource_FailsWithRedisAIMessage()
    {
        var ex = Assert.Throws<AiArgumentException>(() => _store.StoreScript("s", string.Empty, Torch.ScriptOptions("bar")));

        Assert.StartsWith("Insufficient arguments, missing script SOURCE", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StoreScript_OnGpuWithCpuOnlyLibtorch_FailsClearly()
    {
        var ex = Assert.Throws<AiBackendException>(() => _store.StoreScript("s", Torch.ScriptSource, Torch.ScriptOptions("bar") with { Device = Device.Gpu }));

        Assert.Equal(AiErrorCode.DeviceUnavailable, ex.Code);
        Assert.Contains("script 's'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecuteScript_Bar_HundredTimes_WritesSumAndCountsCalls()
    {
        // RedisAI C52.
        _store.StoreScript("s", Torch.ScriptSource, Torch.ScriptOptions("bar", "bar_variadic") with { Tag = "my_tag" });

        for (int i = 0; i < 100; i++)
        {
            _store.ExecuteScript("s", "bar", ["{1}"], ["a", "b"], [], ["c"]);
        }

        Assert.Equal(new[] { 4f, 6, 4, 6 }, _store.GetTensor("c").GetData<float>().ToArray());
        RunInfo info = _store.GetRunInfo("s");
        Assert.Equal(KeyType.Script, info.Type);
        Assert.Equal("TORCH", info.Backend);
        Assert.Equal("my_tag", info.Tag);
        Assert.Equal(100, info.Calls);
        Assert.Equal(0, info.Errors);
        Assert.Equal(-1, info.Samples);
        Assert.True(info.Duration > TimeSpan.Zero);
    }

    [Fact]
    public async Task ExecuteScriptAsync_BarVariadic_UsesTheSecondAndThirdInputs()
    {
        // RedisAI C53: tensors is INPUTS in order, however many there are.
        _store.StoreScript("s", Torch.ScriptSource, Torch.ScriptOptions("bar", "bar_variadic"));
        _store.SetTensor("b1", Torch.Floats(2, 3, 2, 3));
        _store.SetTensor("b2", Torch.Floats(2, 3, 2, 3));

        await _store.ExecuteScriptAsync("s", "bar_variadic", ["{1}"], ["a", "b1", "b2"], [], ["c"]);

        Assert.Equal(new[] { 4f, 6, 4, 6 }, _store.GetTensor("c").GetData<float>().ToArray());
    }

    [Fact]
    public void RunScript_ArgsArriveAsStringsTheScriptParses()
    {
        _store.StoreScript("s", ExtraSource, Torch.ScriptOptions("scaled"));

        AiTensor y = _store.RunScript("s", "scaled", [Torch.Floats(1, 2, 3, 4)], args: [0.5, 10])[0];

        Assert.Equal(new[] { 10.5f, 11, 11.5f, 12 }, y.GetData<float>().ToArray());
    }

    [Fact]
    public async Task RunScriptAsync_KeysArgsAndTensors_ArriveAsLists()
    {
        _store.StoreScript("s", ExtraSource, Torch.ScriptOptions("describe"));

        AiTensor[] result = await _store.RunScriptAsync("s", "describe", [Torch.Floats(1, 2), Torch.Floats(3, 4), Torch.Floats(5, 6)], ["key{1}", "k2"], ["x", "", "z"]);

        Assert.Equal(new long[] { 3, 2, 3, 6, 0 }, result[0].GetData<long>().ToArray());
    }

    [Fact]
    public void RunScript_NonAsciiKey_ArrivesAsItsUtf8Bytes()
    {
        // TorchScript strings are byte strings: the key must equal the same literal in the source, length in bytes.
        _store.StoreScript("s", ExtraSource, Torch.ScriptOptions("is_key"));

        AiTensor result = _store.RunScript("s", "is_key", [], ["clé-😀"])[0];

        Assert.Equal([1L, 9L], result.GetData<long>().ToArray());
    }

    [Fact]
    public void RunScript_CalledRepeatedly_EachCallSeesOnlyItsOwnStrings()
    {
        // TorchScript's optimizer specializes after a few runs; decoding must stay per call.
        _store.StoreScript("s", ExtraSource, Torch.ScriptOptions("describe"));

        for (int i = 0; i < 20; i++)
        {
            AiTensor[] result = _store.RunScript("s", "describe", [Torch.Floats(1, 2)], ["key{1}"], ["x", "", "z"]);
            Assert.Equal(new long[] { 1, 1, 3, 6, 0 }, result[0].GetData<long>().ToArray());
        }
    }

    [Fact]
    public void ExecuteScript_TupleHoldingAList_IsFlattenedInOrder()
    {
        _store.StoreScript("s", ExtraSource, Torch.ScriptOptions("pair"));

        _store.ExecuteScript("s", "pair", [], ["a"], [], ["plus", "twice", "thrice"]);

        Assert.Equal(new[] { 3f, 4, 3, 4 }, _store.GetTensor("plus").GetData<float>().ToArray());
        Assert.Equal(new[] { 4f, 6, 4, 6 }, _store.GetTensor("twice").GetData<float>().ToArray());
        Assert.Equal(new[] { 6f, 9, 6, 9 }, _store.GetTensor("thrice").GetData<float>().ToArray());
    }

    [Fact]
    public void RunScript_ListResult_GivesOneTensorPerElement()
    {
        _store.StoreScript("s", ExtraSource, Torch.ScriptOptions("as_list"));

        AiTensor[] sums = _store.RunScript("s", "as_list", [Torch.Floats(1, 2), Torch.Floats(3, 4), Torch.Floats(5, 6)]);

        Assert.Equal([3f, 7f, 11f], sums.Select(s => s.GetData<float>()[0]));
    }

    [Fact]
    public void ExecuteScript_WrongOutputCount_FailsAndWritesNothing()
    {
        _store.StoreScript("s", Torch.ScriptSource, Torch.ScriptOptions("bar"));

        var ex = Assert.Throws<AiBackendException>(() => _store.ExecuteScript("s", "bar", [], ["a", "b"], [], ["c", "d"]));

        Assert.StartsWith("Function returned unexpected number of outputs - bar", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("c"));
        Assert.False(_store.Exists("d"));
    }

    [Fact]
    public void ExecuteScript_NoOutputKeys_DiscardsTheResult()
    {
        _store.StoreScript("s", Torch.ScriptSource, Torch.ScriptOptions("bar"));

        _store.ExecuteScript("s", "bar", [], ["a", "b"], [], []);

        Assert.Equal(2, _store.Scan().Count(k => _store.GetKeyType(k) == KeyType.Tensor));
    }

    [Fact]
    public void ExecuteScript_RuntimeError_CarriesTorchScriptMessageAndScriptKey()
    {
        _store.StoreScript("s", Torch.ScriptSource, Torch.ScriptOptions("bar"));

        var ex = Assert.Throws<AiBackendException>(() => _store.ExecuteScript("s", "bar", [], ["a"], [], ["c"]));

        Assert.Equal(AiErrorCode.ExecutionFailed, ex.Code);
        Assert.Contains("script 's' function 'bar'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("list index out of range", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("c"));
        Assert.Equal(1, _store.GetRunInfo("s").Errors);
    }

    [Fact]
    public void RunScript_ScriptRaises_CarriesItsMessage()
    {
        _store.StoreScript("s", ExtraSource, Torch.ScriptOptions("fails"));

        var ex = Assert.Throws<AiBackendException>(() => _store.RunScript("s", "fails", [Torch.Floats(1, 2)]));

        Assert.Contains("need one argument", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunScript_NonTensorResult_FailsWithRedisAIMessage()
    {
        _store.StoreScript("s", ExtraSource, Torch.ScriptOptions("not_a_tensor"));

        var ex = Assert.Throws<AiBackendException>(() => _store.RunScript("s", "not_a_tensor", [Torch.Floats(1, 2)]));

        Assert.StartsWith("Function returned non-tensor valuesnot_a_tensor", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecuteScript_FunctionThatIsNotAnEntryPoint_FailsBeforeRunning()
    {
        // average exists in the source but was not declared: calling it must not reach LibTorchSharp.
        _store.StoreScript("s", Torch.ScriptSource, Torch.ScriptOptions("bar"));

        var ex = Assert.Throws<AiArgumentException>(() => _store.ExecuteScript("s", "average", [], ["a", "b"], [], ["c"]));

        Assert.Contains("Function does not exist: average", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _store.GetRunInfo("s").Calls);
    }

    [Fact]
    public void RunScript_TooManyInputs_FailsClearly()
    {
        _store.StoreScript("s", ExtraSource, Torch.ScriptOptions("as_list"));
        AiTensor[] inputs = [.. Enumerable.Repeat(Torch.Floats(1, 2), TorchScriptAdapter.MaxInputs + 1)];

        var ex = Assert.Throws<AiArgumentException>(() => _store.RunScript("s", "as_list", inputs));

        Assert.Contains($"at most {TorchScriptAdapter.MaxInputs}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunScript_MaximumInputs_AllArrive()
    {
        _store.StoreScript("s", ExtraSource, Torch.ScriptOptions("as_list"));
        AiTensor[] inputs = [.. Enumerable.Range(0, TorchScriptAdapter.MaxInputs).Select(i => AiTensor.Scalar((float)i))];

        AiTensor[] sums = _store.RunScript("s", "as_list", inputs);

        Assert.Equal(Enumerable.Range(0, TorchScriptAdapter.MaxInputs).Select(i => (float)i), sums.Select(s => s.GetData<float>()[0]));
    }

    [Fact]
    public void DeleteScript_RemovesIt()
    {
        // RedisAI C51.
        _store.StoreScript("s", Torch.ScriptSource, Torch.ScriptOptions("bar"));

        Assert.True(_store.DeleteScript("s"));

        Assert.False(_store.Exists("s"));
        var ex = Assert.Throws<AiKeyNotFoundException>(() => _store.GetScript("s"));
        Assert.Contains("key 's' does not exist (expected a script)", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.DeleteScript("s"));
    }
}
