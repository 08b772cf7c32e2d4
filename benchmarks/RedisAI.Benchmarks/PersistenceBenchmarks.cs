using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using RedisAI;
using RedisAI.Persistence;

namespace RedisAI.Benchmarks;

/// <summary>
/// Saving and loading a store of ~1 GiB of tensors (256 FLOAT tensors of 4 MiB) against the floor: the same bytes
/// written to one file with a plain <see cref="FileStream"/> and flushed to the disk, and read back into new arrays.
/// The snapshot adds the format, two CRC-64s over every byte, a temporary file, a rename and a directory flush;
/// loading adds verification and the restore. Target: within 1.5x of the plain copy.
/// </summary>
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[Config(typeof(Config))]
public class PersistenceBenchmarks
{
    public const int TensorCount = 256;
    public const int TensorElements = 1 << 20;

    private string _directory = null!;
    private string _snapshotPath = null!;
    private string _plainPath = null!;
    private AiStore _store = null!;
    private SnapshotManager _manager = null!;
    private AiTensor[] _tensors = null!;

    /// <summary>
    /// Seconds-long operations on a 1 GiB store: one invocation per iteration (a full GC runs between iterations, so
    /// each load starts with the previous one's gigabyte collected), in process (no second copy of the store's
    /// project to build).
    /// </summary>
    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(7)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
    }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("redisai-persistence-bench-").FullName;
        _snapshotPath = Path.Combine(_directory, "dump.rdai");
        _plainPath = Path.Combine(_directory, "plain.bin");
        (_store, _tensors) = CreateStore();
        var options = new SnapshotOptions { Path = _snapshotPath, SaveOnShutdown = false };
        options.SavePolicies.Clear();
        _manager = new SnapshotManager(_store, options);
        _manager.Start();

        // Files for the load benchmarks, written once.
        _manager.Save();
        Save_PlainFileStream();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _manager.Dispose();
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Save")]
    public void Save_PlainFileStream()
    {
        using var file = new FileStream(_plainPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        foreach (var tensor in _tensors)
        {
            file.Write(tensor.GetBytes());
        }

        file.Flush(flushToDisk: true);
    }

    [Benchmark, BenchmarkCategory("Save")]
    public void Save_Snapshot() => _manager.Save();

    [Benchmark(Baseline = true), BenchmarkCategory("Load")]
    public long Load_PlainFileStream()
    {
        using var file = new FileStream(_plainPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        long total = 0;
        for (int i = 0; i < TensorCount; i++)
        {
            // As the store allocates tensor data: uninitialized.
            byte[] data = GC.AllocateUninitializedArray<byte>(TensorElements * sizeof(float));
            file.ReadExactly(data);
            total += data.Length;
        }

        return total;
    }

    [Benchmark, BenchmarkCategory("Load")]
    public int Load_Snapshot()
    {
        using var store = new AiStore();
        var options = new SnapshotOptions { Path = _snapshotPath, SaveOnShutdown = false };
        options.SavePolicies.Clear();
        using var manager = new SnapshotManager(store, options);
        return manager.Load().Keys;
    }

    /// <summary>
    /// How long writers wait while a background save of the ~1 GiB store runs: one thread writes a 1 KiB tensor in
    /// a loop and records each call's duration, first for a quiet period, then while background saves run. Also
    /// reports how long the capture itself holds the store's write lock.
    /// </summary>
    public static async Task MeasureWriterPauses()
    {
        string directory = Directory.CreateTempSubdirectory("redisai-persistence-pauses-").FullName;
        try
        {
            var (store, _) = CreateStore();
            using (store)
            {
                var options = new SnapshotOptions { Path = Path.Combine(directory, "dump.rdai"), SaveOnShutdown = false };
                options.SavePolicies.Clear();
                using var manager = new SnapshotManager(store, options);
                manager.Start();

                var capture = new List<double>();
                for (int i = 0; i < 20; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    _ = store.CreateSnapshot();
                    capture.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }

                capture.Sort();
                Console.WriteLine($"capture (write lock held) for {TensorCount} keys: median {capture[capture.Count / 2]:F3} ms, max {capture[^1]:F3} ms");

                var quiet = await MeasureWrites(store, () => Task.Delay(TimeSpan.FromSeconds(3)));
                Report("no save running", quiet);

                // Control: two threads that only burn CPU, as a save's writer and hasher do, with no lock or I/O at all.
                var busy = await MeasureWrites(store, () => Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(
                    () =>
                    {
                        long until = Stopwatch.GetTimestamp() + (3 * Stopwatch.Frequency);
                        while (Stopwatch.GetTimestamp() < until)
                        {
                            Thread.SpinWait(100);
                        }
                    },
                    TaskCreationOptions.LongRunning))));
                Report("two CPU-bound threads, no save (control)", busy);
                long saveStart = Stopwatch.GetTimestamp();
                int saves = 0;
                var saving = await MeasureWrites(store, async () =>
                {
                    for (int i = 0; i < 3; i++)
                    {
                        await manager.BackgroundSave();
                        saves++;
                    }
                });
                Console.WriteLine($"{saves} background saves of {new FileInfo(options.Path).Length / (1 << 20)} MiB took {Stopwatch.GetElapsedTime(saveStart).TotalSeconds:F2} s");
                Report("background saves running", saving);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static (AiStore Store, AiTensor[] Tensors) CreateStore()
    {
        var store = new AiStore();
        var tensors = new AiTensor[TensorCount];
        var values = new float[TensorElements];
        for (int i = 0; i < tensors.Length; i++)
        {
            values.AsSpan().Fill(i);
            values[i] = -i;
            tensors[i] = AiTensor.Create<float>(values, TensorElements);
            store.SetTensor($"tensor:{i}", tensors[i]);
        }

        return (store, tensors);
    }

    private static async Task<LatencyHistogram> MeasureWrites(AiStore store, Func<Task> during)
    {
        // A histogram, not a list: growing a list of millions of samples would itself pause the writer.
        var histogram = new LatencyHistogram();
        using var stop = new CancellationTokenSource();
        var small = AiTensor.Create<float>(new float[256], 256);
        string[] keys = [.. Enumerable.Range(0, 1024).Select(i => $"small:{i}")];
        var writer = Task.Factory.StartNew(
            () =>
            {
                int n = 0;
                while (!stop.IsCancellationRequested)
                {
                    long start = Stopwatch.GetTimestamp();
                    store.SetTensor(keys[n++ & 1023], small);
                    histogram.Add(Stopwatch.GetTimestamp() - start);
                }
            },
            TaskCreationOptions.LongRunning);
        await during();
        await stop.CancelAsync();
        await writer;
        return histogram;
    }

    private static void Report(string label, LatencyHistogram latencies) =>
        Console.WriteLine(
            $"{label}: {latencies.Count:N0} writes, p50 {latencies.Percentile(0.50):F1} us, p99 {latencies.Percentile(0.99):F1} us, " +
            $"p99.9 {latencies.Percentile(0.999):F1} us, p99.99 {latencies.Percentile(0.9999):F1} us, max {latencies.MaxMicroseconds / 1000:F2} ms, " +
            $"writes over 1 ms: {latencies.Over(1000)}");

    /// <summary>Call durations in 1 us buckets up to 1 s, plus the exact maximum.</summary>
    private sealed class LatencyHistogram
    {
        private readonly long[] _buckets = new long[1_000_001];
        private long _maxTicks;

        public long Count { get; private set; }

        public double MaxMicroseconds => _maxTicks * 1e6 / Stopwatch.Frequency;

        public void Add(long ticks)
        {
            long us = ticks * 1_000_000 / Stopwatch.Frequency;
            _buckets[Math.Min(us, _buckets.Length - 1)]++;
            _maxTicks = Math.Max(_maxTicks, ticks);
            Count++;
        }

        public double Percentile(double q)
        {
            long target = (long)Math.Ceiling(q * Count);
            long seen = 0;
            for (int i = 0; i < _buckets.Length; i++)
            {
                seen += _buckets[i];
                if (seen >= target)
                {
                    return i;
                }
            }

            return MaxMicroseconds;
        }

        public long Over(long microseconds)
        {
            long over = 0;
            for (long i = microseconds; i < _buckets.Length; i++)
            {
                over += _buckets[i];
            }

            return over;
        }
    }
}
