using System.Diagnostics;
using System.Diagnostics.Metrics;
using RedisAI.Testing.Onnx;

namespace RedisAI.Backends.Onnx.Tests.Execution;

public sealed class StatisticsTests : IDisposable
{
    private readonly TestMeterFactory _meters = new();
    private readonly AiStore _store;

    public StatisticsTests()
    {
        _store = Onnx.CreateStore(meters: _meters);
        _store.StoreModel("mul", TestModels.Mul(), Onnx.Options with { Tag = "t1" });
        _store.SetTensor("a", Onnx.Floats(2, 3, 2, 3));
    }

    public void Dispose()
    {
        _store.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public void GetRunInfo_AfterStore_IsZeroWithMetadata()
    {
        // RedisAI C74.
        RunInfo info = _store.GetRunInfo("mul");

        Assert.Equal(new RunInfo("mul", KeyType.Model, "ONNX", Device.Cpu, "t1", TimeSpan.Zero, 0, 0, 0), info);
    }

    [Fact]
    public async Task GetRunInfo_AfterRuns_CountsCallsSamplesAndDuration()
    {
        _store.ExecuteModel("mul", ["a", "a"], ["c"]);
        TimeSpan afterOne = _store.GetRunInfo("mul").Duration;
        await _store.ExecuteModelAsync("mul", ["a", "a"], ["c"]);
        _store.RunModel("mul", [_store.GetTensor("a"), _store.GetTensor("a")]);

        RunInfo info = _store.GetRunInfo("mul");

        Assert.Equal((3, 6, 0), (info.Calls, info.Samples, info.Errors));
        Assert.True(afterOne > TimeSpan.Zero);
        Assert.True(info.Duration > afterOne);
    }

    [Fact]
    public void GetRunInfo_BackendFailure_CountsAnError()
    {
        // RedisAI C35: calls +1, errors +1.
        _store.StoreModel("dyn", TestModels.MulDynamic(), Onnx.Options);
        _store.SetTensor("three", AiTensor.Create<float>([1, 2, 3], 3));

        Assert.Throws<AiBackendException>(() => _store.ExecuteModel("dyn", ["three", "a"], ["c"]));

        RunInfo info = _store.GetRunInfo("dyn");
        Assert.Equal((1, 0, 1), (info.Calls, info.Samples, info.Errors));
    }

    [Fact]
    public void GetRunInfo_ValidationErrors_CountNowhere()
    {
        Assert.Throws<AiArgumentException>(() => _store.ExecuteModel("mul", ["a"], ["c"]));

        Assert.Equal(0, _store.GetRunInfo("mul").Calls);
    }

    [Fact]
    public void ResetRunStatistics_ZeroesCounters_AndRestoringResetsToo()
    {
        _store.ExecuteModel("mul", ["a", "a"], ["c"]);

        _store.ResetRunStatistics("mul");
        Assert.Equal(0, _store.GetRunInfo("mul").Calls);

        _store.ExecuteModel("mul", ["a", "a"], ["c"]);
        _store.StoreModel("mul", TestModels.Mul(), Onnx.Options);
        Assert.Equal(0, _store.GetRunInfo("mul").Calls);
    }

    [Fact]
    public void GetRunInfo_KeyWithoutModel_Throws()
    {
        // RedisAI C75.
        Assert.Contains("cannot find run info for key", Assert.Throws<AiKeyNotFoundException>(() => _store.GetRunInfo("a")).Message, StringComparison.Ordinal);
        Assert.Throws<AiKeyNotFoundException>(() => _store.GetRunInfo("missing"));
        _store.DeleteModel("mul");
        Assert.Throws<AiKeyNotFoundException>(() => _store.GetRunInfo("mul"));
    }

    [Fact]
    public void Telemetry_PublishesExecutionsAndSpans()
    {
        var executions = new List<(long Value, string? Key)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (_meters.Owns(instrument))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == AiStoreTelemetry.ExecutionsInstrument)
            {
                string? key = null;
                foreach (var tag in tags)
                {
                    key = tag.Key == "redisai.key" ? (string?)tag.Value : key;
                }

                lock (executions)
                {
                    executions.Add((value, key));
                }
            }
        });
        listener.Start();
        var spans = new List<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AiStoreTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                lock (spans)
                {
                    spans.Add(span);
                }
            },
        };
        ActivitySource.AddActivityListener(activities);

        // Listeners are process-wide and other tests run in parallel: use a key no other test uses.
        string key = $"telemetry-{Guid.NewGuid():N}";
        _store.StoreModel(key, TestModels.Mul(), Onnx.Options);
        _store.ExecuteModel(key, ["a", "a"], ["c"]);

        lock (executions)
        {
            Assert.Contains((1L, key), executions);
        }

        Activity span;
        lock (spans)
        {
            span = Assert.Single(spans, s => (string?)s.GetTagItem("redisai.key") == key);
        }

        Assert.Equal("redisai.model.execute", span.OperationName);
        Assert.Equal("ONNX", span.GetTagItem("redisai.backend"));
    }

    [Fact]
    public void Telemetry_QueueLengthGauge_ReportsEachDevice()
    {
        _store.StoreModel("m1", TestModels.Mul(), Onnx.Options with { Device = Device.CpuAt(1) });
        var devices = new List<string?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (_meters.Owns(instrument) && instrument.Name == AiStoreTelemetry.QueueLengthInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                devices.Add((string?)tag.Value);
            }
        });
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Contains("CPU", devices);
        Assert.Contains("CPU:1", devices);
    }
}
