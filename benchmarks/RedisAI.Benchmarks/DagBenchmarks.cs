using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using RedisAI.Backends.Onnx;
using RedisAI.Testing.Onnx;

namespace RedisAI.Benchmarks;

/// <summary>
/// A three-step pipeline (pre-processing script, model, post-processing script) as one DAG against the same three
/// calls made one by one through the store by key (the obvious alternative), which writes two intermediate keys.
/// </summary>
public class DagBenchmarks
{
    private AiStore _store = null!;

    [GlobalSetup]
    public void Setup()
    {
        _store = new AiStore(new OnnxRuntimeBackend(new OnnxRuntimeBackendOptions { IntraOpThreads = 1 }));
        _store.StoreModel("mlp", TestModels.Mlp([16, 32, 16], seed: 1), new ModelOptions { Backend = "ONNX" });
        _store.StoreScript("pre", DotNetScript.Create("normalize", Normalize));
        _store.StoreScript("post", DotNetScript.Create("softmax", Softmax));
        _store.SetTensor("raw", AiTensor.Create<float>([.. Enumerable.Range(0, 16).Select(i => (float)i)], 1, 16));
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Baseline = true)]
    public async Task<AiTensor> ThreeCallsByKey()
    {
        await _store.ExecuteScriptAsync("pre", "normalize", [], ["raw"], [], ["x"]);
        await _store.ExecuteModelAsync("mlp", ["x"], ["logits"]);
        await _store.ExecuteScriptAsync("post", "softmax", [], ["logits"], [], ["probabilities"]);
        return _store.GetTensor("probabilities");
    }

    [Benchmark]
    public async Task<AiTensor> OneDag()
    {
        DagResult result = await _store.CreateDag()
            .Load("raw")
            .ExecuteScript("pre", "normalize", ["raw"], ["x"])
            .ExecuteModel("mlp", ["x"], ["logits"])
            .ExecuteScript("post", "softmax", ["logits"], ["probabilities"])
            .Persist("probabilities")
            .ExecuteAsync();
        return _store.GetTensor("probabilities");
    }

    private static AiTensor[] Normalize(ScriptContext context)
    {
        ReadOnlySpan<float> input = context.Inputs[0].GetData<float>();
        TensorWriter output = AiTensor.Allocate(DataType.Float, context.Inputs[0].Shape);
        float norm = TensorPrimitives.Norm(input);
        TensorPrimitives.Divide(input, norm == 0 ? 1 : norm, output.GetSpan<float>());
        return [output.Complete()];
    }

    private static AiTensor[] Softmax(ScriptContext context)
    {
        TensorWriter output = AiTensor.Allocate(DataType.Float, context.Inputs[0].Shape);
        TensorPrimitives.SoftMax(context.Inputs[0].GetData<float>(), output.GetSpan<float>());
        return [output.Complete()];
    }
}
