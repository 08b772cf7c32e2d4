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

var config = ManualConfig.Create(DefaultConfig.Instance).AddDiagnoser(MemoryDiagnoser.Default);
BenchmarkSwitcher.FromAssembly(typeof(AutobatchingBenchmarks).Assembly).Run(args, config);
