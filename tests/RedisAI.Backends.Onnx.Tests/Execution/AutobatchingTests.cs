using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using RedisAI.Testing.Onnx;

namespace RedisAI.Backends.Onnx.Tests.Execution;

public sealed class AutobatchingTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();
    private readonly AiStore _store;
    private readonly MeterListener _listener = new();
    private readonly List<long> _batchSizes = [];
    private readonly TestMeterFactory _meters = new();

    public AutobatchingTests()
    {
        _store = Onnx.CreateStore(time: _time, meters: _meters);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Owns(instrument) && instrument.Name == AiStoreTelemetry.BatchSizeInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            lock (_batchSizes)
            {
                _batchSizes.Add(value);
            }
        });
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _store.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task TwoCallsReachingMinBatchSize_RunAsOneBatch_EachGetsItsOwnRows()
    {
        // RedisAI C40: BATCHSIZE 4 MINBATCHSIZE 3, two concurrent calls of 2 rows.
        _store.StoreModel("mul", TestModels.Mul(), Onnx.Options with { BatchSize = 4, MinBatchSize = 3 });
        _store.SetTensor("a1", AiTensor.Create<float>([1, 2, 3, 4], 2, 2));
        _store.SetTensor("a2", AiTensor.Create<float>([5, 6, 7, 8], 2, 2));

        Task first = _store.ExecuteModelAsync("mul", ["a1", "a1"], ["c1"]);
        Assert.False(first.IsCompleted); // 2 rows < MINBATCHSIZE: waits for company
        Task second = _store.ExecuteModelAsync("mul", ["a2", "a2"], ["c2"]);
        await Task.WhenAll(first, second).WaitAsync(Guard);

        Assert.Equal(new[] { 1f, 4, 9, 16 }, _store.GetTensor("c1").GetData<float>().ToArray());
        Assert.Equal(new[] { 25f, 36, 49, 64 }, _store.GetTensor("c2").GetData<float>().ToArray());
        Assert.Equal([4L], _batchSizes);
        RunInfo info = _store.GetRunInfo("mul");
        Assert.Equal((2, 4, 0), (info.Calls, info.Samples, info.Errors));
    }

    [Fact]
    public async Task BelowMinBatchSizeWithoutTimeout_WaitsUntilAnotherCallArrives()
    {
        // RedisAI C41: BATCHSIZE 2 MINBATCHSIZE 2; three calls of 1 row: two run, the third waits.
        _store.StoreModel("mul", TestModels.Mul(), Onnx.Options with { BatchSize = 2, MinBatchSize = 2 });
        AiTensor row = AiTensor.Create<float>([3, 4], 1, 2);

        List<Task<AiTensor[]>> pending = [.. Enumerable.Range(0, 3).Select(_ => _store.RunModelAsync("mul", [row, row]))];
        for (int done = 0; done < 2; done++)
        {
            pending.Remove(await Task.WhenAny(pending).WaitAsync(Guard));
        }

        Task<AiTensor[]> waiting = Assert.Single(pending);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, _store.GetQueueLengths()["CPU"]);
        Task<AiTensor[]> fourth = _store.RunModelAsync("mul", [row, row]);
        AiTensor[][] results = await Task.WhenAll(waiting, fourth).WaitAsync(Guard);
        Assert.All(results, r => Assert.Equal(new[] { 9f, 16 }, r[0].GetData<float>().ToArray()));
        Assert.Equal([2L, 2L], _batchSizes);
    }

    [Fact]
    public async Task MinBatchTimeout_RunsALoneCallAfterTheTimeoutOnTheStoreClock()
    {
        // RedisAI C42: BATCHSIZE 2 MINBATCHSIZE 2 MINBATCHTIMEOUT 1000.
        _store.StoreModel("mul", TestModels.Mul(), Onnx.Options with { BatchSize = 2, MinBatchSize = 2, MinBatchTimeout = TimeSpan.FromSeconds(1) });
        AiTensor row = AiTensor.Create<float>([3, 4], 1, 2);

        Task<AiTensor[]> call = _store.RunModelAsync("mul", [row, row]);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(call.IsCompleted);
        Assert.Equal(1, _store.GetQueueLengths()["CPU"]);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        AiTensor[] result = await call.WaitAsync(Guard);
        Assert.Equal(new[] { 9f, 16 }, result[0].GetData<float>().ToArray());
        Assert.Empty(_batchSizes); // ran alone, not as a batch
    }

    [Fact]
    public async Task CallLargerThanBatchSize_RunsAloneAtOnce()
    {
        _store.StoreModel("mul", TestModels.Mul(), Onnx.Options with { BatchSize = 2, MinBatchSize = 2 });
        var big = AiTensor.Create<float>([1, 2, 3, 4, 5, 6], 3, 2);

        AiTensor[] result = await _store.RunModelAsync("mul", [big, big]).WaitAsync(Guard);

        Assert.Equal(new[] { 1f, 4, 9, 16, 25, 36 }, result[0].GetData<float>().ToArray());
    }

    [Fact]
    public async Task CallsWithDifferentTrailingDimensions_AreNeverMerged()
    {
        _store.StoreModel("id", TestModels.Identity(OnnxElementType.Float), Onnx.Options with { BatchSize = 4, MinBatchSize = 2, MinBatchTimeout = TimeSpan.FromMilliseconds(100) });
        var narrow = AiTensor.Create<float>([1, 2], 1, 2);
        var wide = AiTensor.Create<float>([1, 2, 3], 1, 3);

        Task<AiTensor[]> first = _store.RunModelAsync("id", [narrow]);
        Task<AiTensor[]> second = _store.RunModelAsync("id", [wide]);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        AiTensor[][] results = await Task.WhenAll(first, second).WaitAsync(Guard);

        Assert.True(results[0][0].ContentEquals(narrow));
        Assert.True(results[1][0].ContentEquals(wide));
        Assert.Empty(_batchSizes);
    }

    [Fact]
    public async Task ModelReturningWrongBatchSize_FailsEveryMember()
    {
        // RedisAI C44.
        _store.StoreModel("wrong", TestModels.WrongBatch(), Onnx.Options with { BatchSize = 4, MinBatchSize = 3 });
        var x = AiTensor.Create<float>([1, 2, 3, 4, 5, 6, 7, 8], 2, 4);
        _store.SetTensor("x", x);

        Task first = _store.ExecuteModelAsync("wrong", ["x"], ["y1"]);
        Task second = _store.ExecuteModelAsync("wrong", ["x"], ["y2"]);

        foreach (Task call in new[] { first, second })
        {
            var ex = await Assert.ThrowsAsync<AiBackendException>(() => call.WaitAsync(Guard));
            Assert.Contains("Model did not generate the expected batch size", ex.Message, StringComparison.Ordinal);
        }

        Assert.False(_store.Exists("y1"));
        Assert.False(_store.Exists("y2"));
    }

    [Fact]
    public async Task StringTensors_BatchAndSplitBackPerCaller()
    {
        // RedisAI C45 (checking the outputs, which the reference test forgot to do).
        _store.StoreModel("id", TestModels.Identity(OnnxElementType.String), Onnx.Options with { BatchSize = 2, MinBatchSize = 2 });
        var first = AiTensor.CreateStrings(["str11", "str12"], 1, 2);
        var second = AiTensor.CreateStrings(["str21", "日本"], 1, 2);

        AiTensor[][] results = await Task.WhenAll(_store.RunModelAsync("id", [first]), _store.RunModelAsync("id", [second])).WaitAsync(Guard);

        Assert.Equal(new[] { "str11", "str12" }, results[0][0].GetStrings());
        Assert.Equal(new[] { "str21", "日本" }, results[1][0].GetStrings());
        Assert.Equal([2L], _batchSizes);
    }

    [Fact]
    public async Task SynchronousCallsOnABatchedModel_AreBatchedToo()
    {
        _store.StoreModel("mul", TestModels.Mul(), Onnx.Options with { BatchSize = 2, MinBatchSize = 2 });
        AiTensor row = AiTensor.Create<float>([3, 4], 1, 2);

        AiTensor[][] results = await Task.WhenAll(
            Task.Run(() => _store.RunModel("mul", [row, row])),
            Task.Run(() => _store.RunModel("mul", [row, row]))).WaitAsync(Guard);

        Assert.All(results, r => Assert.Equal(new[] { 9f, 16 }, r[0].GetData<float>().ToArray()));
        Assert.Equal([2L], _batchSizes);
    }

    [Fact]
    public async Task WaitingCall_TimesOutAndLeavesTheBatcher()
    {
        _store.StoreModel("mul", TestModels.Mul(), Onnx.Options with { BatchSize = 2, MinBatchSize = 2 });
        AiTensor row = AiTensor.Create<float>([3, 4], 1, 2);

        Task<AiTensor[]> call = _store.RunModelAsync("mul", [row, row], timeout: TimeSpan.FromSeconds(2));
        _time.Advance(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAsync<AiTimeoutException>(() => call.WaitAsync(Guard));
        Assert.Equal(0, _store.GetRunInfo("mul").Calls); // timed out while waiting: counts nowhere, as in RedisAI
    }

    [Fact]
    public async Task WaitingSynchronousCall_TimesOutAndLeavesTheBatcher()
    {
        _store.StoreModel("mul", TestModels.Mul(), Onnx.Options with { BatchSize = 2, MinBatchSize = 2 });
        _store.SetTensor("row", AiTensor.Create<float>([3, 4], 1, 2));

        Task call = Task.Run(() => _store.ExecuteModel("mul", ["row", "row"], ["out"], timeout: TimeSpan.FromSeconds(2)));
        Assert.True(SpinWait.SpinUntil(() => _store.GetQueueLengths()["CPU"] == 1, Guard), "the call never reached the batcher");

        _time.Advance(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAsync<AiTimeoutException>(() => call.WaitAsync(Guard));
        Assert.False(_store.Exists("out"));
        Assert.Equal(0, _store.GetRunInfo("mul").Calls);
    }
}
