using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;
using RedisAI.Benchmarks;

// Run all: dotnet run -c Release --project benchmarks/RedisAI.Benchmarks -- --filter '*'
// Autobatching latency percentiles: dotnet run -c Release --project benchmarks/RedisAI.Benchmarks -- latency
if (args is ["latency"])
{
    await AutobatchingBenchmarks.MeasureLatency();
    return;
}

// Writer pauses while a background snapshot of ~1 GiB is written: dotnet run -c Release --project benchmarks/RedisAI.Benchmarks -- persistence-pauses
if (args is ["persistence-pauses"])
{
    await PersistenceBenchmarks.MeasureWriterPauses();
    return;
}

// Store overhead on a model call, raw and store calls interleaved, in 5 processes: dotnet run -c Release --project benchmarks/RedisAI.Benchmarks -- overhead
if (args is ["overhead"])
{
    PairedComparison.RunInProcesses("overhead-once", processes: 5);
    return;
}

if (args is ["overhead-once"])
{
    ModelExecuteBenchmarks.MeasurePairedOverhead();
    return;
}

var config = ManualConfig.Create(DefaultConfig.Instance).AddDiagnoser(MemoryDiagnoser.Default);
BenchmarkSwitcher.FromAssembly(typeof(AutobatchingBenchmarks).Assembly).Run(args, config);
