using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using RedisAI;
using RedisAI.Backends.Onnx;
using RedisAI.Testing.Onnx;

namespace RedisAI.Benchmarks;

/// <summary>
/// A model call through the store against the same call on a raw ONNX Runtime session with OrtValues (the
/// obvious alternative), for a tiny model (overhead-dominated) and a ~100 µs MLP.
/// </summary>
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
public class ModelExecuteBenchmarks
{
    private AiStore _store = null!;
    private InferenceSession _tinySession = null!;
    private InferenceSession _mlpSession = null!;
    private AiTensor _tinyInput = null!;
    private AiTensor _mlpInput = null!;
    private float[] _tinyData = null!;
    private float[] _mlpData = null!;
    private readonly RunOptions _runOptions = new();

    [GlobalSetup]
    public void Setup()
    {
        _store = new AiStore(new OnnxRuntimeBackend(new OnnxRuntimeBackendOptions { IntraOpThreads = 1 }));
        byte[] tiny = TestModels.Mul();
        byte[] mlp = TestModels.RealSizedMlp();
        _store.StoreModel("tiny", tiny, new ModelOptions { Backend = "ONNX" });
        _store.StoreModel("mlp", mlp, new ModelOptions { Backend = "ONNX" });
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        _tinySession = new InferenceSession(tiny, options);
        _mlpSession = new InferenceSession(mlp, options);

        _tinyData = [1f, 2f];
        _mlpData = Enumerable.Range(0, 384).Select(i => (i % 17) / 17f).ToArray();
        _tinyInput = AiTensor.Create<float>(_tinyData, 1, 2);
        _mlpInput = AiTensor.Create<float>(_mlpData, 1, 384);
        _store.SetTensor("tiny:a", _tinyInput);
        _store.SetTensor("mlp:x", _mlpInput);
    }

    /// <summary>
    /// The store-vs-raw ratios again, each pair measured interleaved in this process (<see cref="PairedComparison"/>),
    /// which resolves the few percent that separate BenchmarkDotNet runs of the ~100 µs model cannot on a shared machine.
    /// The MLP's blocks are long (500 calls, ~50 ms) because each block first reloads its session's 2.4 MB of weights
    /// into the caches the other session's block evicted them from, a cost that must not weigh on the ratio.
    /// </summary>
    public static void MeasurePairedOverhead()
    {
        var benchmarks = new ModelExecuteBenchmarks();
        benchmarks.Setup();
        try
        {
            PairedComparison.Report(
            [
                PairedComparison.Measure("Tiny: RunModel vs raw", benchmarks.Tiny_RawOnnxRuntime, benchmarks.Tiny_StoreRunModel, 2000, 100),
                PairedComparison.Measure("Tiny: ExecuteModel by keys vs raw", benchmarks.Tiny_RawOnnxRuntime, benchmarks.Tiny_StoreExecuteModelByKeys, 2000, 100),
                PairedComparison.Measure("Mlp100us: RunModel vs raw", benchmarks.Mlp_RawOnnxRuntime, benchmarks.Mlp_StoreRunModel, 500, 60),
                PairedComparison.Measure("Mlp100us: ExecuteModel by keys vs raw", benchmarks.Mlp_RawOnnxRuntime, benchmarks.Mlp_StoreExecuteModelByKeys, 500, 60),
            ]);
        }
        finally
        {
            benchmarks.Cleanup();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        _tinySession.Dispose();
        _mlpSession.Dispose();
        _runOptions.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Tiny")]
    public float Tiny_RawOnnxRuntime()
    {
        using var a = OrtValue.CreateTensorValueFromMemory(_tinyData, [1, 2]);
        using var results = _tinySession.Run(_runOptions, ["a", "b"], [a, a], ["c"]);
        return results[0].GetTensorDataAsSpan<float>()[0];
    }

    [Benchmark, BenchmarkCategory("Tiny")]
    public float Tiny_StoreRunModel() => _store.RunModel("tiny", [_tinyInput, _tinyInput])[0].GetData<float>()[0];

    [Benchmark, BenchmarkCategory("Tiny")]
    public float Tiny_StoreExecuteModelByKeys()
    {
        _store.ExecuteModel("tiny", ["tiny:a", "tiny:a"], ["tiny:c"]);
        return _store.GetTensor("tiny:c").GetData<float>()[0];
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Mlp100us")]
    public float Mlp_RawOnnxRuntime()
    {
        using var x = OrtValue.CreateTensorValueFromMemory(_mlpData, [1, 384]);
        using var results = _mlpSession.Run(_runOptions, ["x"], [x], ["y"]);
        return results[0].GetTensorDataAsSpan<float>()[0];
    }

    [Benchmark, BenchmarkCategory("Mlp100us")]
    public float Mlp_StoreRunModel() => _store.RunModel("mlp", [_mlpInput])[0].GetData<float>()[0];

    [Benchmark, BenchmarkCategory("Mlp100us")]
    public float Mlp_StoreExecuteModelByKeys()
    {
        _store.ExecuteModel("mlp", ["mlp:x"], ["mlp:y"]);
        return _store.GetTensor("mlp:y").GetData<float>()[0];
    }
}
