using RedisAI.Testing.Onnx;

namespace RedisAI.Backends.Onnx.Tests;

/// <summary>Inputs and outputs bound by the model's names instead of positions, in keyed calls, direct calls and DAGs.</summary>
public sealed class NamedBindingTests : IDisposable
{
    private readonly AiStore _store = Onnx.CreateStore();

    public NamedBindingTests()
    {
        // Two releases of one model: the same names, declared in opposite orders (as Silero VAD's releases do).
        _store.StoreModel("v1", Difference(reversed: false), Onnx.Options);
        _store.StoreModel("v2", Difference(reversed: true), Onnx.Options);
        _store.StoreModel("two", TestModels.TwoOutputs(), Onnx.Options);
        _store.SetTensor("x", Onnx.Floats(10, 20, 30, 40));
        _store.SetTensor("y", Onnx.Floats(1, 2, 3, 4));
    }

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public void ExecuteModel_ByNames_BindsWhateverOrderTheModelDeclares(string model)
    {
        _store.ExecuteModel(model, Map(("minuend", "x"), ("subtrahend", "y")), Map(("difference", "d")));

        Assert.Equal(new[] { 9f, 18, 27, 36 }, _store.GetTensor("d").GetData<float>().ToArray());
    }

    [Fact]
    public void ExecuteModel_ByPosition_FollowsEachReleasesOwnOrder()
    {
        _store.ExecuteModel("v1", ["x", "y"], ["d1"]);
        _store.ExecuteModel("v2", ["x", "y"], ["d2"]);

        Assert.Equal(new[] { 9f, 18, 27, 36 }, _store.GetTensor("d1").GetData<float>().ToArray());
        Assert.Equal(new[] { -9f, -18, -27, -36 }, _store.GetTensor("d2").GetData<float>().ToArray());
    }

    [Fact]
    public async Task ExecuteModelAsync_ByNames_DropsOutputsNotAskedFor()
    {
        await _store.ExecuteModelAsync("two", Map(("b", "y"), ("a", "x")), Map(("product", "p")));

        Assert.Equal(new[] { 10f, 40, 90, 160 }, _store.GetTensor("p").GetData<float>().ToArray());
        Assert.Equal(["p", "x", "y"], _store.Scan(type: KeyType.Tensor).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ExecuteModel_UnknownInputName_FailsListingTheModelsNamesAndWritesNothing()
    {
        var ex = Assert.Throws<AiArgumentException>(() =>
            _store.ExecuteModel("v1", Map(("minuend", "x"), ("subtrahnd", "y")), Map(("difference", "d"))));

        Assert.Equal("model 'v1' has no input named 'subtrahnd'; its inputs are 'minuend', 'subtrahend'", ex.Message);
        Assert.False(_store.Exists("d"));
        Assert.Equal(0, _store.GetRunInfo("v1").Calls);
    }

    [Fact]
    public void ExecuteModel_UnboundInput_FailsNamingIt()
    {
        var ex = Assert.Throws<AiArgumentException>(() => _store.ExecuteModel("v2", Map(("minuend", "x")), Map(("difference", "d"))));

        Assert.Equal("input 'subtrahend' of model 'v2' is not bound; its inputs are 'subtrahend', 'minuend'", ex.Message);
    }

    [Fact]
    public void ExecuteModel_UnknownOutputName_Fails()
    {
        var ex = Assert.Throws<AiArgumentException>(() => _store.ExecuteModel("two", Map(("a", "x"), ("b", "y")), Map(("quotient", "q"))));

        Assert.Contains("model 'two' has no output named 'quotient'; its outputs are 'sum', 'product'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecuteModel_ByNamesMissingInputKey_FailsNamingTheKey()
    {
        var ex = Assert.Throws<AiKeyNotFoundException>(() => _store.ExecuteModel("v1", Map(("minuend", "x"), ("subtrahend", "nope")), Map(("difference", "d"))));

        Assert.Equal("nope", ex.Key);
        Assert.Equal("key 'nope' does not exist: input 1 of model 'v1' reads it as a tensor", ex.Message);
    }

    [Fact]
    public async Task RunModel_ByNames_ReturnsEveryOutputByName()
    {
        var inputs = new Dictionary<string, AiTensor> { ["b"] = _store.GetTensor("y"), ["a"] = _store.GetTensor("x") };

        IReadOnlyDictionary<string, AiTensor> sync = _store.RunModel("two", inputs);
        IReadOnlyDictionary<string, AiTensor> queued = await _store.RunModelAsync("two", inputs);

        foreach (var outputs in new[] { sync, queued })
        {
            Assert.Equal(["product", "sum"], outputs.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(new[] { 11f, 22, 33, 44 }, outputs["sum"].GetData<float>().ToArray());
            Assert.Equal(new[] { 10f, 40, 90, 160 }, outputs["product"].GetData<float>().ToArray());
        }
    }

    [Fact]
    public async Task Dag_ExecuteModelByNames_ResultsReadByName()
    {
        DagResult result = await RunThroughTheInterfaceAsync(_store);

        Assert.Equal(["s", "d"], result.Names);
        Assert.Equal(new[] { 9f, 18, 27, 36 }, result["d"].GetData<float>().ToArray());
        Assert.Equal(new[] { 10f, 20, 30, 40 }, result["s"].GetData<float>().ToArray());
        Assert.Same(result.Tensors[0], result["s"]);
        Assert.Equal(new[] { 10f, 20, 30, 40 }, _store.GetTensor("s").GetData<float>().ToArray());
        var missing = Assert.Throws<AiKeyNotFoundException>(() => result["product"]);
        Assert.Contains("the DAG returned no tensor named 'product'; it returned s, d", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dag_ReadingAnOutputNobodyNamed_FailsBeforeAnythingRuns()
    {
        var ex = await Assert.ThrowsAsync<AiArgumentException>(() => _store.CreateDag()
            .Load("x", "y")
            .ExecuteModel("two", Map(("a", "x"), ("b", "y")), Map(("sum", "s")))
            .GetTensor("product")
            .ExecuteAsync());

        Assert.Contains("reads 'product', which no LOAD brings in and no earlier operation produces", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _store.GetRunInfo("two").Calls);
    }

    [Fact]
    public async Task Dag_UnknownName_FailsNamingTheOperation()
    {
        var ex = await Assert.ThrowsAsync<AiDagException>(() => _store.CreateDag()
            .Load("x", "y")
            .ExecuteModel("v1", Map(("minuend", "x"), ("sub", "y")), Map(("difference", "d")))
            .GetTensor("d")
            .ExecuteAsync());

        Assert.Equal(0, ex.OperationIndex);
        Assert.Contains("model 'v1' has no input named 'sub'", ex.Message, StringComparison.Ordinal);
    }

    // Apps inject IAiStore: DAGs are on the interface, and this calls them through it on purpose.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "The test exercises the interface.")]
    private static Task<DagResult> RunThroughTheInterfaceAsync(IAiStore store) =>
        store.CreateDag()
            .Load("x", "y")
            .ExecuteModel("v2", Map(("subtrahend", "y"), ("minuend", "x")), Map(("difference", "d")))
            .ExecuteModel("two", Map(("a", "d"), ("b", "y")), Map(("sum", "s")))
            .GetTensor("s")
            .GetTensor("d")
            .Persist("s")
            .ExecuteAsync();

    private static Dictionary<string, string> Map(params (string Name, string Key)[] pairs) =>
        pairs.ToDictionary(p => p.Name, p => p.Key, StringComparer.Ordinal);

    // difference = minuend - subtrahend; the inputs declared in either order.
    private static byte[] Difference(bool reversed)
    {
        var builder = new OnnxModelBuilder("difference");
        foreach (string name in reversed ? new[] { "subtrahend", "minuend" } : ["minuend", "subtrahend"])
        {
            builder.AddInput(name, OnnxElementType.Float, "batch", 2);
        }

        return builder
            .AddOutput("difference", OnnxElementType.Float, "batch", 2)
            .AddNode("Sub", ["minuend", "subtrahend"], ["difference"])
            .Build();
    }
}
