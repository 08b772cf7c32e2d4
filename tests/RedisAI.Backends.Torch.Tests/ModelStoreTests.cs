namespace RedisAI.Backends.Torch.Tests;

public sealed class ModelStoreTests : IDisposable
{
    private readonly AiStore _store = Torch.CreateStore();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void StoreModel_Add_ReportsForwardParameterNamesAndOneUnnamedOutput()
    {
        // RedisAI C25: inputs are forward's parameter names, outputs one empty name per tensor.
        ModelInfo info = _store.StoreModel("add", Torch.Fixture("add.pt"), Torch.Options);

        Assert.Equal("TORCH", info.Backend);
        Assert.Equal(["a", "b"], info.Inputs.Select(i => i.Name));
        Assert.Equal([""], info.Outputs.Select(o => o.Name));
        Assert.All(info.Inputs, i => Assert.Null(i.DataType));
        Assert.Equal(Torch.Fixture("add.pt"), info.Blob.ToArray());
    }

    [Fact]
    public void StoreModel_TupleResult_ReportsTwoOutputs()
    {
        ModelInfo info = _store.StoreModel("m", Torch.Fixture("mul_two_outputs.pt"), Torch.Options);

        Assert.Equal(["", ""], info.Outputs.Select(o => o.Name));
    }

    [Fact]
    public void StoreModel_InputsOption_ReordersByName()
    {
        ModelInfo info = _store.StoreModel("slow", Torch.Fixture("slow.pt"), Torch.Options with { Inputs = ["n", "x"] });
        _store.SetTensor("x", Torch.Floats(1, 2, 3, 4));
        _store.SetTensor("n", AiTensor.Scalar(3L));

        _store.ExecuteModel("slow", ["n", "x"], ["y"]);

        Assert.Equal(["n", "x"], info.Inputs.Select(i => i.Name));
        Assert.Equal(new[] { 1f, 2, 3, 4 }, _store.GetTensor("y").GetData<float>().ToArray(), new FloatTolerance(1e-4f));
    }

    [Fact]
    public void StoreModel_UnknownInputName_FailsNamingTheInputs()
    {
        var ex = Assert.Throws<AiBackendException>(() => _store.StoreModel("add", Torch.Fixture("add.pt"), Torch.Options with { Inputs = ["a", "c"] }));

        Assert.Equal(AiErrorCode.InvalidModel, ex.Code);
        Assert.Contains("no input named 'c'; its inputs are: a, b", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("add"));
    }

    [Fact]
    public void StoreModel_OutputsOptionWithWrongCount_Fails()
    {
        var ex = Assert.Throws<AiBackendException>(() => _store.StoreModel("m", Torch.Fixture("mul_two_outputs.pt"), Torch.Options with { Outputs = ["only"] }));

        Assert.Contains("returns 2 tensor(s)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StoreModel_OutputsOption_NamesTheOutputs()
    {
        ModelInfo info = _store.StoreModel("m", Torch.Fixture("mul_two_outputs.pt"), Torch.Options with { Outputs = ["product", "sum"] });

        Assert.Equal(["product", "sum"], info.Outputs.Select(o => o.Name));
    }

    [Fact]
    public void StoreModel_BadBytes_FailsWithTorchMessageAndKeepsOldValue()
    {
        // RedisAI C22: a failed store never touches the old value.
        _store.StoreModel("m", Torch.Fixture("add.pt"), Torch.Options);

        var ex = Assert.Throws<AiBackendException>(() => _store.StoreModel("m", "not a model"u8.ToArray(), Torch.Options));

        Assert.Equal(AiErrorCode.InvalidModel, ex.Code);
        Assert.Contains("'m'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("zip archive", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], _store.GetModel("m").Inputs.Select(i => i.Name));
    }

    [Fact]
    public void StoreModel_CodeThatDoesNotCompile_FailsInsteadOfAbortingTheProcess()
    {
        // TorchScript reports this as torch::jit::ErrorReport, which LibTorchSharp does not catch: the native guard must.
        Assert.True(TorchNative.IsGuarded, "libRedisAITorchGuard.so was not built or not found next to the tests");
        byte[] broken = Torch.WithCode("add.pt", "torch.add(a, b)", "torch.add(a, undefined_name)");

        var ex = Assert.Throws<AiBackendException>(() => _store.StoreModel("m", broken, Torch.Options));

        Assert.Equal(AiErrorCode.InvalidModel, ex.Code);
        Assert.Contains("undefined value undefined_name", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("m"));
    }

    [Fact]
    public void StoreModel_OnGpuWithCpuOnlyLibtorch_FailsClearly()
    {
        var ex = Assert.Throws<AiBackendException>(() => _store.StoreModel("m", Torch.Fixture("add.pt"), Torch.Options with { Device = Device.GpuAt(0) }));

        Assert.Equal(AiErrorCode.DeviceUnavailable, ex.Code);
        Assert.Contains("GPU requested for model 'm' (GPU:0)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("couldn't find CUDA", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("m"));
    }

    [Fact]
    public void StoreModel_OnCpuQueueWithIndex_Works()
    {
        // RedisAI C19: CPU:1 is a separate queue on the same hardware.
        ModelInfo info = _store.StoreModel("m", Torch.Fixture("add.pt"), Torch.Options with { Device = Device.CpuAt(1) });

        Assert.Equal("CPU:1", info.Device.ToString());
    }
}

/// <summary>Compares floats within an absolute tolerance.</summary>
internal sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
{
    public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

    public int GetHashCode(float obj) => 0;
}

/// <summary>Compares doubles within an absolute tolerance.</summary>
internal sealed class DoubleTolerance(double tolerance) : IEqualityComparer<double>
{
    public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

    public int GetHashCode(double obj) => 0;
}
