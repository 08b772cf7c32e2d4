using RedisAI.Testing.Onnx;

namespace RedisAI.Backends.Onnx.Tests;

public sealed class ExternalDataTests : IDisposable
{
    private readonly AiStore _store = Onnx.CreateStore();
    private readonly string _file = Path.GetTempFileName();

    public void Dispose()
    {
        _store.Dispose();
        File.Delete(_file);
    }

    // y = x + w, where w's four floats are declared to live in an external file.
    private static byte[] AddExternal(string location) =>
        new OnnxModelBuilder("ext")
            .AddInput("x", OnnxElementType.Float, 4)
            .AddOutput("y", OnnxElementType.Float, 4)
            .AddInitializer(new OnnxTensor("w", OnnxElementType.Float, [4], new byte[16]) { ExternalLocation = location })
            .AddNode("Add", ["x", "w"], ["y"])
            .Build();

    // The same external initializer, but inside the then-branch of an If.
    private static byte[] IfWithExternalInSubgraph(string location)
    {
        var branch = new OnnxGraphBuilder("branch")
            .AddOutput("w_out", OnnxElementType.Float, 4)
            .AddInitializer(new OnnxTensor("w", OnnxElementType.Float, [4], new byte[16]) { ExternalLocation = location })
            .AddNode("Identity", ["w"], ["w_out"]);
        var other = new OnnxGraphBuilder("other")
            .AddOutput("z_out", OnnxElementType.Float, 4)
            .AddInitializer("z", [4], [0f, 0f, 0f, 0f])
            .AddNode("Identity", ["z"], ["z_out"]);
        return new OnnxModelBuilder("if")
            .AddInput("c", OnnxElementType.Bool)
            .AddOutput("y", OnnxElementType.Float, 4)
            .AddNode("If", ["c"], ["y"], OnnxAttr.FromGraph("then_branch", branch), OnnxAttr.FromGraph("else_branch", other))
            .Build();
    }

    [Fact]
    public void StoreModel_InitializerWithExternalFile_IsRefusedAndStoreUnchanged()
    {
        File.WriteAllBytes(_file, new byte[16]);
        _store.SetTensor("old", AiTensor.Scalar(0f));

        var ex = Assert.Throws<AiBackendException>(() => _store.StoreModel("m", AddExternal(_file), Onnx.Options));

        Assert.Equal(AiErrorCode.InvalidModel, ex.Code);
        Assert.Contains("'m'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'w'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(_file, ex.Message, StringComparison.Ordinal);
        Assert.Equal(["old"], _store.Scan());
    }

    [Theory]
    [InlineData("weights.bin")]
    [InlineData("../x")]
    public void StoreModel_RelativeExternalLocation_IsRefused(string location)
    {
        var ex = Assert.Throws<AiBackendException>(() => _store.StoreModel("m", AddExternal(location), Onnx.Options));

        Assert.Contains($"'{location}'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_store.Scan());
    }

    [Fact]
    public void StoreModel_ExternalDataInsideSubgraph_IsRefused()
    {
        var ex = Assert.Throws<AiBackendException>(() => _store.StoreModel("m", IfWithExternalInSubgraph(_file), Onnx.Options));

        Assert.Contains("'w'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_store.Scan());
    }

    [Fact]
    public void StoreModel_ExternalDataInTensorAttribute_IsRefused()
    {
        byte[] model = new OnnxModelBuilder("const")
            .AddOutput("y", OnnxElementType.Float, 4)
            .AddNode("Constant", [], ["y"], OnnxAttr.FromTensor("value", new OnnxTensor("cw", OnnxElementType.Float, [4], new byte[16]) { ExternalLocation = _file }))
            .Build();

        var ex = Assert.Throws<AiBackendException>(() => _store.StoreModel("m", model, Onnx.Options));

        Assert.Contains("'cw'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Restore_ModelWithExternalData_IsReportedAsFailure()
    {
        File.WriteAllBytes(_file, new byte[16]);
        var model = new ModelInfo("m", "ONNX", Device.Cpu, "", 0, 0, TimeSpan.Zero, [], [], AddExternal(_file));

        var result = _store.Restore([StoreEntry.ForTensor("t", AiTensor.Scalar(1f)), StoreEntry.ForModel(model)]);

        Assert.False(result.Applied);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(("m", KeyType.Model, AiErrorCode.InvalidModel), (failure.Key, failure.Type, failure.Error.Code));
        Assert.Contains("external data is refused", failure.Error.Message, StringComparison.Ordinal);
        Assert.Empty(_store.Scan());
    }
}
