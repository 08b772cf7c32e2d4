using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RedisAI;

/// <summary>
/// The names under which the store publishes telemetry: one <see cref="Meter"/> and one
/// <see cref="ActivitySource"/>, both named <see cref="Name"/>, so OpenTelemetry picks them up with
/// <c>AddMeter("RedisAI")</c> and <c>AddSource("RedisAI")</c>.
/// </summary>
public static class AiStoreTelemetry
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "RedisAI";

    /// <summary>Counter of model and script executions (tags: key, kind, backend, device, error.type on failure).</summary>
    public const string ExecutionsInstrument = "redisai.executions";

    /// <summary>Histogram of backend time per execution, in seconds.</summary>
    public const string DurationInstrument = "redisai.execution.duration";

    /// <summary>Histogram of rows per model run that autobatching formed.</summary>
    public const string BatchSizeInstrument = "redisai.batch.size";

    /// <summary>Gauge of executions waiting per device queue (tag: device).</summary>
    public const string QueueLengthInstrument = "redisai.queue.length";

    internal static ActivitySource ActivitySource { get; } = new(Name);
}

/// <summary>The instruments of one store.</summary>
internal sealed class StoreMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _executions;
    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _batchSize;

    public StoreMetrics(IMeterFactory? meterFactory, Func<IEnumerable<Measurement<int>>> queueLengths)
    {
        _meter = meterFactory?.Create(AiStoreTelemetry.Name) ?? new Meter(AiStoreTelemetry.Name);
        _executions = _meter.CreateCounter<long>(AiStoreTelemetry.ExecutionsInstrument, "{execution}", "Model and script executions");
        _duration = _meter.CreateHistogram<double>(AiStoreTelemetry.DurationInstrument, "s", "Time spent in the backend per execution");
        _batchSize = _meter.CreateHistogram<long>(AiStoreTelemetry.BatchSizeInstrument, "{row}", "Rows per batched model run");
        _meter.CreateObservableGauge(AiStoreTelemetry.QueueLengthInstrument, queueLengths, "{execution}", "Executions waiting in each device queue");
    }

    public void RecordExecution(string key, KeyType kind, string backend, Device device, TimeSpan duration, Exception? error)
    {
        if (!_executions.Enabled && !_duration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "redisai.key", key },
            { "redisai.kind", kind == KeyType.Model ? "model" : "script" },
            { "redisai.backend", backend },
            { "redisai.device", device.ToString() },
        };
        if (error is not null)
        {
            tags.Add("error.type", error.GetType().Name);
        }

        _executions.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }

    public void RecordBatch(long rows) => _batchSize.Record(rows);

    public void Dispose() => _meter.Dispose();
}
