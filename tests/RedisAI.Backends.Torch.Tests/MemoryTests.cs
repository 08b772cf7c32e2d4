using System.Diagnostics;
using System.Runtime.InteropServices;
using TorchSharp;

namespace RedisAI.Backends.Torch.Tests;

[CollectionDefinition(nameof(MemoryTests), DisableParallelization = true)]
public sealed class SerialMemoryTests;

/// <summary>
/// Runs alone: it measures the process. The native heap moves by a few megabytes either way without any leak
/// (libtorch's caches fill in steps, earlier tests' objects are finalized late; 600,000 runs on the dev box stayed
/// within 5 MB of the start), so the runs are many enough that leaking even one small tensor per run would exceed the
/// bound several times over. The live-tensor count is exact.
/// </summary>
[Collection(nameof(MemoryTests))]
public sealed class MemoryTests : IDisposable
{
    private readonly AiStore _store = Torch.CreateStore();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void RunModel_TwoHundredThousandTimes_NativeMemoryStaysFlat()
    {
        _store.StoreModel("add", Torch.Fixture("add.pt"), Torch.Options);
        _store.SetTensor("a", Torch.Floats(1, 2, 3, 4));
        _store.SetTensor("b", Torch.Floats(5, 6, 7, 8));
        AiTensor a = _store.GetTensor("a");
        AiTensor b = _store.GetTensor("b");
        long liveTensors = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;

        var (growth, elapsed) = Measure(() => _store.RunModel("add", [a, b]), warmUp: 10_000, runs: 200_000);

        // Leaking one native tensor per run (TensorImpl, storage and data: a few hundred bytes) would add over 40 MB.
        Assert.True(growth < NativeHeap.Bound, $"{NativeHeap.Measure} grew by {growth / 1024} KiB over 200,000 runs ({elapsed.TotalSeconds:F1} s)");

        // Synchronous runs happen on this thread: every TorchSharp tensor they made was disposed, none left to the GC.
        Assert.Equal(liveTensors, DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount);
        Assert.Equal(0, InputPins.Count);
    }

    [Fact]
    public void ExecuteScript_SixtyThousandTimes_NativeMemoryStaysFlat()
    {
        _store.StoreScript("s", Torch.ScriptSource, Torch.ScriptOptions("bar"));
        _store.SetTensor("a", Torch.Floats(1, 2, 3, 4));
        long liveTensors = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;

        // A script run makes five tensors (keys, args, two inputs, one output): leaking them would add over 60 MB.
        var (growth, elapsed) = Measure(() => _store.ExecuteScript("s", "bar", ["k"], ["a", "a"], ["1"], ["c"]), warmUp: 20_000, runs: 60_000);

        Assert.True(growth < NativeHeap.Bound, $"{NativeHeap.Measure} grew by {growth / 1024} KiB over 60,000 script runs ({elapsed.TotalSeconds:F1} s)");
        Assert.Equal(liveTensors, DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount);
        Assert.Equal(0, InputPins.Count);
    }

    private static (long Growth, TimeSpan Elapsed) Measure(Action run, int warmUp, int runs)
    {
        // Warm-up: TorchScript's profiling executor specializes and optimizes the graph over the first runs.
        for (int i = 0; i < warmUp; i++)
        {
            run();
        }

        long start = NativeHeap.SettledBytes();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < runs; i++)
        {
            run();
        }

        clock.Stop();
        return (NativeHeap.SettledBytes() - start, clock.Elapsed);
    }
}

/// <summary>
/// The native heap in use: glibc's <c>mallinfo2().uordblks</c> (exact bytes allocated and not freed, which is where
/// libtorch's CPU tensors live) when available, else the working set, which also moves with the GC heap and
/// allocator caching and so gets a looser bound.
/// </summary>
internal static unsafe class NativeHeap
{
    private static readonly delegate* unmanaged<MallInfo2> MallInfo = Resolve();

    public static string Measure => MallInfo != null ? "the native heap in use (mallinfo2)" : "the working set";

    /// <summary>The most the measure may grow over a test.</summary>
    public static long Bound => MallInfo != null ? 16 * 1024 * 1024 : 64 * 1024 * 1024;

    /// <summary>Collects garbage first, so tensors awaiting finalization are not counted as live.</summary>
    public static long SettledBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        if (MallInfo != null)
        {
            return (long)MallInfo().InUseBytes;
        }

        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static delegate* unmanaged<MallInfo2> Resolve() =>
        OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out nint libc) && NativeLibrary.TryGetExport(libc, "mallinfo2", out nint export)
            ? (delegate* unmanaged<MallInfo2>)export
            : null;

    // struct mallinfo2: ten size_t fields; uordblks (the 8th) is the total allocated space.
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallInfo2
    {
        private readonly nuint _arena, _ordblks, _smblks, _hblks, _hblkhd, _usmblks, _fsmblks;

        public readonly nuint InUseBytes;

        private readonly nuint _fordblks, _keepcost;
    }
}
