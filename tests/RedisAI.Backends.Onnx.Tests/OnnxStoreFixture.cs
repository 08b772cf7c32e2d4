using System.Diagnostics.Metrics;
using RedisAI.Backends.Onnx;

namespace RedisAI.Backends.Onnx.Tests;

/// <summary>Helpers shared by the ONNX tests: a store with the real ONNX Runtime backend.</summary>
internal static class Onnx
{
    public static ModelOptions Options => new() { Backend = OnnxRuntimeBackend.BackendName };

    public static AiStore CreateStore(AiStoreOptions? options = null, TimeProvider? time = null, IMeterFactory? meters = null) =>
        new(options, [new OnnxRuntimeBackend()], timeProvider: time, meterFactory: meters);

    public static AiTensor Floats(params float[] values) => AiTensor.Create<float>(values, 2, values.Length / 2);
}

/// <summary>
/// Creates meters scoped to one test, so a test's <see cref="MeterListener"/> sees only its own store's
/// instruments, not those of stores in tests running in parallel.
/// </summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Scope = this });
        _meters.Add(meter);
        return meter;
    }

    public bool Owns(Instrument instrument) => ReferenceEquals(instrument.Meter.Scope, this);

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
