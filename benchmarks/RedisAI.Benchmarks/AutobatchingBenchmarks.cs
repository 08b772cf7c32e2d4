using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using RedisAI.Backends.Onnx;
using RedisAI.Testing.Onnx;

namespace RedisAI.Benchmarks;

/// <summary>
/// 64 concurrent callers on a small MLP whose per-call cost is dominated by overhead, without autobatching,
/// with it (BATCHSIZE 64), and with MINBATCHSIZE 16 / MINBATCHTIMEOUT 2 ms, on the same threads (one queue worker, one ONNX Runtime thread). Each invocation completes
/// <see cref="Callers"/> × <see cref="CallsPerCaller"/> model calls, so the ratio of mean times is the inverse
/// ratio of throughput. Latency percentiles come from <see cref="MeasureLatency"/> (run with the argument
/// <c>latency</c>), since BenchmarkDotNet reports per-invocation, not per-call, times.
/// </summary>
public class AutobatchingBenchmarks
{
    public const int Callers = 64;
    public const int CallsPerCaller = 20;
    public static readonly TimeSpan MinBatchTimeout = TimeSpan.FromMilliseconds(2);

    private AiStore _store = null!;
    private AiTensor[] _inputs = null!;

    [GlobalSetup]
    public void Setup() => (_store, _inputs) = CreateStore();

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Callers * CallsPerCaller)]
    public Task Unbatched() => RunCallers(_store, "plain", _inputs, null);

    [Benchmark(OperationsPerInvoke = Callers * CallsPerCaller)]
    public Task Autobatched() => RunCallers(_store, "batched", _inputs, null);

    [Benchmark(OperationsPerInvoke = Callers * CallsPerCaller)]
    public Task AutobatchedWithMinBatch() => RunCallers(_store, "batched-min", _inputs, null);

    /// <summary>Prints throughput and p50/p99 latency of both modes.</summary>
    public static async Task MeasureLatency()
    {
        var (store, inputs) = CreateStore();
        using (store)
        {
            // The first round warms up (JIT, ONNX Runtime's first runs); the second is the one to read.
            foreach (string model in new[] { "plain", "batched", "batched-min", "plain", "batched", "batched-min" })
            {
                var latencies = new List<double>(Callers * CallsPerCaller);
                long start = Stopwatch.GetTimestamp();
                await RunCallers(store, model, inputs, latencies);
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                latencies.Sort();
                Console.WriteLine(
                    $"{model,-12} {latencies.Count / seconds,10:F0} calls/s   p50 {Percentile(latencies, 0.50),8:F3} ms   p99 {Percentile(latencies, 0.99),8:F3} ms   max {latencies[^1],8:F3} ms");
            }
        }
    }

    private static (AiStore Store, AiTensor[] Inputs) CreateStore()
    {
        var store = new AiStore(
            new AiStoreOptions { ThreadsPerQueue = 1 },
            [new OnnxRuntimeBackend(new OnnxRuntimeBackendOptions { IntraOpThreads = 1, InterOpThreads = 1 })]);
        byte[] model = TestModels.Mlp([16, 32, 16], seed: 1);
        store.StoreModel("plain", model, new ModelOptions { Backend = "ONNX" });
        store.StoreModel("batched", model, new ModelOptions { Backend = "ONNX", BatchSize = Callers });
        store.StoreModel("batched-min", model, new ModelOptions { Backend = "ONNX", BatchSize = Callers, MinBatchSize = Callers / 4, MinBatchTimeout = MinBatchTimeout });
        var random = new Random(1);
        AiTensor[] inputs = [.. Enumerable.Range(0, Callers).Select(_ => AiTensor.Create<float>([.. Enumerable.Range(0, 16).Select(_ => (float)random.NextDouble())], 1, 16))];
        return (store, inputs);
    }

    private static Task RunCallers(AiStore store, string model, AiTensor[] inputs, List<double>? latencies) =>
        Task.WhenAll(Enumerable.Range(0, Callers).Select(c => Task.Run(async () =>
        {
            AiTensor[] input = [inputs[c]];
            for (int i = 0; i < CallsPerCaller; i++)
            {
                long start = Stopwatch.GetTimestamp();
                await store.RunModelAsync(model, input).ConfigureAwait(false);
                if (latencies is not null)
                {
                    double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    lock (latencies)
                    {
                        latencies.Add(ms);
                    }
                }
            }
        })));

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
