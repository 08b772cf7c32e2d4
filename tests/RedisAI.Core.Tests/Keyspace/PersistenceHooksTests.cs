using Microsoft.Extensions.Time.Testing;

namespace RedisAI.Tests.Keyspace;

/// <summary>The surface RedisAI.Persistence builds on: snapshots, the change stream, the change count and restore.</summary>
public sealed class PersistenceHooksTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly AiStore _store;

    public PersistenceHooksTests() => _store = new AiStore(new AiStoreOptions(), [], timeProvider: _time);

    public void Dispose() => _store.Dispose();

    [Fact]
    public void CreateSnapshot_LaterWrites_DoNotShowThrough()
    {
        _store.SetTensor("a", AiTensor.Scalar(1f), TimeSpan.FromMinutes(5));
        _store.SetTensor("b", AiTensor.Scalar(2f));

        StoreSnapshot snapshot = _store.CreateSnapshot();
        _store.SetTensor("a", AiTensor.Scalar(10f));
        _store.Delete("b");
        _store.SetTensor("c", AiTensor.Scalar(3f));

        Assert.Equal(["a", "b"], snapshot.Select(e => e.Key).Order(StringComparer.Ordinal));
        var a = snapshot.Single(e => e.Key == "a");
        Assert.Equal((KeyType.Tensor, 1f, Start.AddMinutes(5)), (a.Type, a.Tensor!.GetData<float>()[0], a.ExpiresAt));
        Assert.Null(snapshot.Single(e => e.Key == "b").ExpiresAt);
        Assert.Equal(Start, snapshot.CapturedAt);
        Assert.Equal(3, _store.ChangeCount - snapshot.ChangeCount);
    }

    [Fact]
    public void ChangeListener_HearsEveryChangeInApplyOrder()
    {
        var listener = new RecordingListener();
        _store.AddChangeListener(listener);

        _store.SetTensor("a", AiTensor.Scalar(1f));
        _store.Expire("a", TimeSpan.FromSeconds(1));
        _store.SetTensor("b", AiTensor.Scalar(2f));
        _store.Delete("b");
        _time.Advance(TimeSpan.FromSeconds(2));
        _ = _store.Exists("a");
        _store.SetTensor("c", AiTensor.Scalar(3f));
        _store.Clear();

        Assert.Equal(
            ["Set a", "ExpiryChanged a", "Set b", "Removed b", "Expired a", "Set c", "Cleared "],
            listener.Changes.Select(c => $"{c.Kind} {c.Key}"));
        Assert.Equal(Start.AddSeconds(1), listener.Changes[1].Entry!.ExpiresAt);
    }

    [Fact]
    public void ChangeListener_Refusing_FailsTheWriteAndChangesNothing()
    {
        _store.SetTensor("a", AiTensor.Scalar(1f));
        _store.AddChangeListener(new RefusingListener());

        var ex = Assert.Throws<AiStoreException>(() => _store.SetTensor("a", AiTensor.Scalar(2f)));

        Assert.Equal(AiErrorCode.PersistenceFailed, ex.Code);
        Assert.Equal(1f, _store.GetTensor("a").GetData<float>()[0]);
        Assert.Throws<AiStoreException>(() => _store.Delete("a"));
        Assert.True(_store.Exists("a"));
    }

    [Fact]
    public void ChangeListener_Removed_HearsNothingMore()
    {
        var listener = new RecordingListener();
        _store.AddChangeListener(listener);
        Assert.True(_store.RemoveChangeListener(listener));

        _store.SetTensor("a", AiTensor.Scalar(1f));

        Assert.Empty(listener.Changes);
        Assert.False(_store.RemoveChangeListener(listener));
    }

    [Fact]
    public void Dispose_IsNotReportedAsAChange()
    {
        var store = new AiStore(new AiStoreOptions(), []);
        var listener = new RecordingListener();
        store.SetTensor("a", AiTensor.Scalar(1f));
        store.AddChangeListener(listener);

        store.Dispose();

        Assert.Empty(listener.Changes);
    }

    [Fact]
    public void Restore_ReplacesTheContentsAndLeavesOutExpiredEntries()
    {
        _store.SetTensor("old", AiTensor.Scalar(0f));

        var result = _store.Restore(
        [
            StoreEntry.ForTensor("live", AiTensor.Scalar(1f), Start.AddMinutes(1)),
            StoreEntry.ForTensor("dead", AiTensor.Scalar(2f), Start.AddMinutes(-1)),
            StoreEntry.ForTensor("forever", AiTensor.Scalar(3f)),
        ]);

        Assert.Equal((true, 2, 1), (result.Applied, result.Restored, result.Expired));
        Assert.Equal(["forever", "live"], _store.Scan().Order(StringComparer.Ordinal));
        Assert.Equal(TimeSpan.FromMinutes(1), _store.GetTimeToLive("live"));
    }

    [Fact]
    public void Restore_ModelWithoutItsBackend_ChangesNothingAndNamesTheKey()
    {
        _store.SetTensor("old", AiTensor.Scalar(0f));
        var model = new ModelInfo("m", "ONNX", Device.Cpu, "", 0, 0, TimeSpan.Zero, [], [], new byte[] { 1, 2, 3 });

        var result = _store.Restore([StoreEntry.ForTensor("t", AiTensor.Scalar(1f)), StoreEntry.ForModel(model)]);

        Assert.False(result.Applied);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(("m", KeyType.Model, AiErrorCode.BackendNotFound), (failure.Key, failure.Type, failure.Error.Code));
        Assert.Equal(["old"], _store.Scan());
    }

    [Fact]
    public void Restore_SkipFailedKeys_RestoresTheRest()
    {
        var model = new ModelInfo("m", "ONNX", Device.Cpu, "", 0, 0, TimeSpan.Zero, [], [], new byte[] { 1, 2, 3 });

        var result = _store.Restore([StoreEntry.ForTensor("t", AiTensor.Scalar(1f)), StoreEntry.ForModel(model)], skipFailedKeys: true);

        Assert.Equal((true, 1, 1), (result.Applied, result.Restored, result.Failures.Count));
        Assert.Equal(["t"], _store.Scan());
    }

    [Fact]
    public void Restore_DuplicateKey_IsRejected()
    {
        Assert.Throws<AiArgumentException>(() => _store.Restore(
            [StoreEntry.ForTensor("t", AiTensor.Scalar(1f)), StoreEntry.ForTensor("t", AiTensor.Scalar(2f))]));
    }

    private sealed class RecordingListener : IStoreChangeListener
    {
        public List<StoreChange> Changes { get; } = [];

        public void OnChange(in StoreChange change) => Changes.Add(change);
    }

    private sealed class RefusingListener : IStoreChangeListener
    {
        public void OnChange(in StoreChange change) => throw new AiStoreException(AiErrorCode.PersistenceFailed, "log is full");
    }
}
