using RedisAI.Testing.Onnx;

namespace RedisAI.Backends.Onnx.Tests;

public sealed class ModelStoreTests : IDisposable
{
    private readonly AiStore _store = Onnx.CreateStore();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void StoreModel_Onnx_DiscoversGraphInputsAndOutputs()
    {
        var info = _store.StoreModel("m", TestModels.Mul(), Onnx.Options with { Tag = "v1", BatchSize = 4, MinBatchSize = 2 });

        Assert.Equal(["a", "b"], info.Inputs.Select(i => i.Name));
        Assert.Equal(["c"], info.Outputs.Select(o => o.Name));
        Assert.Equal(DataType.Float, info.Inputs[0].DataType);
        Assert.Equal(new long[] { -1, 2 }, info.Inputs[0].Dimensions);
        Assert.Equal("ONNX", info.Backend);
        Assert.Equal(KeyType.Model, _store.GetKeyType("m"));
    }

    [Fact]
    public void StoreModel_ScalarInputAndOutput_DeclaresRankZero()
    {
        var info = _store.StoreModel("m", TestModels.Identity(OnnxElementType.Float, rank: 0), Onnx.Options);

        Assert.Equal("x: FLOAT []", info.Inputs[0].ToString());
        Assert.Equal("y: FLOAT []", info.Outputs[0].ToString());
    }

    [Fact]
    public void StoreModel_UndeclaredShapes_LeavesDimensionsUnknown()
    {
        var info = _store.StoreModel("m", TestModels.MulDynamic(), Onnx.Options);

        Assert.Equal(["a: FLOAT [?]", "b: FLOAT [?]"], info.Inputs.Select(i => i.ToString()));
        Assert.Null(info.Outputs[0].Dimensions);
    }

    [Fact]
    public void GetModel_ReturnsMetadataAndOriginalBytes()
    {
        byte[] bytes = TestModels.Mul();
        _store.StoreModel("m", bytes, Onnx.Options with { Tag = "version:2", Device = Device.CpuAt(1), BatchSize = 4, MinBatchSize = 2, MinBatchTimeout = TimeSpan.FromMilliseconds(100) });

        var info = _store.GetModel("m");

        Assert.Equal(bytes, info.Blob.ToArray());
        Assert.Equal("version:2", info.Tag);
        Assert.Equal("CPU:1", info.Device.ToString());
        Assert.Equal((4, 2, TimeSpan.FromMilliseconds(100)), (info.BatchSize, info.MinBatchSize, info.MinBatchTimeout));
        Assert.Equal(bytes.Length, _store.GetMemoryUsage().ModelBytes);
        Assert.Contains("CPU:1", _store.GetQueueLengths().Keys);
    }

    [Fact]
    public void StoreModel_OutputsOption_SelectsAndOrdersOutputsByName()
    {
        _store.StoreModel("m", TestModels.TwoOutputs(), Onnx.Options with { Outputs = ["product"] });
        _store.SetTensor("a", Onnx.Floats(2, 3, 2, 3));
        _store.SetTensor("b", Onnx.Floats(2, 3, 2, 3));

        _store.ExecuteModel("m", ["a", "b"], ["p"]);

        Assert.Equal(new[] { 4f, 9, 4, 9 }, _store.GetTensor("p").GetData<float>().ToArray());
    }

    [Fact]
    public void StoreModel_UnknownOutputName_FailsListingTheModelsOutputs()
    {
        var ex = Assert.Throws<AiBackendException>(() => _store.StoreModel("m", TestModels.TwoOutputs(), Onnx.Options with { Outputs = ["nope"] }));

        Assert.Equal(AiErrorCode.InvalidModel, ex.Code);
        Assert.Contains("no output named 'nope'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("sum, product", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("m"));
    }

    [Fact]
    public void StoreModel_InvalidBytes_FailsAndKeepsTheOldModel()
    {
        byte[] good = TestModels.Mul();
        _store.StoreModel("m", good, Onnx.Options);

        var ex = Assert.Throws<AiBackendException>(() => _store.StoreModel("m", "not an onnx graph"u8.ToArray(), Onnx.Options));

        Assert.Equal(AiErrorCode.InvalidModel, ex.Code);
        Assert.Contains("'m'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(good, _store.GetModel("m").Blob.ToArray());
        Assert.Equal(good.Length, _store.GetMemoryUsage().ModelBytes);
    }

    [Fact]
    public void StoreModel_GpuWithoutCuda_FailsClearlyAndStoresNothing()
    {
        // No GPU on this machine or in CI: the CPU build of ONNX Runtime has no CUDA provider.
        var ex = Assert.Throws<AiBackendException>(() => _store.StoreModel("m", TestModels.Mul(), Onnx.Options with { Device = Device.GpuAt(0) }));

        Assert.Equal(AiErrorCode.DeviceUnavailable, ex.Code);
        Assert.Contains("GPU requested", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CUDA", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("m"));
        Assert.DoesNotContain("GPU:0", _store.GetQueueLengths().Keys);
    }

    [Fact]
    public void StoreModel_OnTensorKey_ThrowsWrongTypeAndKeepsTheTensor()
    {
        var tensor = AiTensor.Scalar(1f);
        _store.SetTensor("k", tensor);

        var ex = Assert.Throws<AiWrongTypeException>(() => _store.StoreModel("k", TestModels.Mul(), Onnx.Options));

        Assert.Equal(KeyType.Tensor, ex.Actual);
        Assert.Same(tensor, _store.GetTensor("k"));
        Assert.Equal(0, _store.GetMemoryUsage().ModelCount);
    }

    [Fact]
    public void SetTensor_OnModelKey_ThrowsWrongTypeAndKeepsTheModel()
    {
        _store.StoreModel("m", TestModels.Mul(), Onnx.Options);

        Assert.Throws<AiWrongTypeException>(() => _store.SetTensor("m", AiTensor.Scalar(1f)));
        Assert.Throws<AiWrongTypeException>(() => _store.GetTensor("m"));
        Assert.Throws<AiWrongTypeException>(() => _store.DeleteTensor("m"));

        Assert.Equal(KeyType.Model, _store.GetKeyType("m"));
    }

    [Fact]
    public void DeleteModel_RemovesItAndItsAccounting()
    {
        _store.StoreModel("m", TestModels.Mul(), Onnx.Options);

        Assert.True(_store.DeleteModel("m"));
        Assert.False(_store.DeleteModel("m"));
        Assert.Throws<AiKeyNotFoundException>(() => _store.GetModel("m"));
        Assert.Equal(default, _store.GetMemoryUsage());
    }

    [Fact]
    public async Task StoreModelFromFile_ReadsTheFile()
    {
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, TestModels.Mul());

            var info = await _store.StoreModelFromFileAsync("m", path, Onnx.Options);

            Assert.Equal(["a", "b"], info.Inputs.Select(i => i.Name));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task StoreModelFromFile_MissingFile_ThrowsNamingThePath()
    {
        var ex = await Assert.ThrowsAsync<AiArgumentException>(() => _store.StoreModelFromFileAsync("m", "/nonexistent/model.onnx", Onnx.Options));

        Assert.Contains("/nonexistent/model.onnx", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.Exists("m"));
    }
}
