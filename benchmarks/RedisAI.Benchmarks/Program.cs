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

var config = ManualConfig.Create(DefaultConfig.Instance).AddDiagnoser(MemoryDiagnoser.Default);
BenchmarkSwitcher.FromAssembly(typeof(AutobatchingBenchmarks).Assembly).Run(args, config);
