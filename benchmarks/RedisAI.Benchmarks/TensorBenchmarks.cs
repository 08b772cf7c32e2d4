using BenchmarkDotNet.Attributes;
using RedisAI;

namespace RedisAI.Benchmarks;

/// <summary>
/// Tensor set and get through the store against the obvious alternative: copying the data into a plain array
/// (set) and out of it (get). Get through the store is a view of the stored bytes, so it copies nothing.
/// </summary>
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
public class TensorBenchmarks
{
    private AiStore _store = null!;
    private float[] _source = null!;
    private float[] _plainCopy = null!;

    [Params(16, 1_048_576)]
    public int Elements { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _store = new AiStore();
        _source = Enumerable.Range(0, Elements).Select(i => (float)i).ToArray();
        _plainCopy = (float[])_source.Clone();
        _store.SetTensor("t", AiTensor.Create<float>(_source, Elements));
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Baseline = true), BenchmarkCategory("Set")]
    public float[] Set_PlainArrayCopy() => (float[])_source.Clone();

    [Benchmark, BenchmarkCategory("Set")]
    public void Set_StoreSetTensor() => _store.SetTensor("t", AiTensor.Create<float>(_source, Elements));

    [Benchmark(Baseline = true), BenchmarkCategory("Get")]
    public float Get_PlainArrayCopy()
    {
        float[] copy = (float[])_plainCopy.Clone();
        return copy[^1];
    }

    [Benchmark, BenchmarkCategory("Get")]
    public float Get_StoreGetTensorZeroCopy() => _store.GetTensor("t").GetData<float>()[^1];
}
