using Microsoft.Extensions.Time.Testing;
using RedisAI.Testing.Onnx;

namespace RedisAI.Persistence.Tests;

public sealed class AppendLogTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_AfterACrash_ReplaysEveryWriteSinceTheSnapshot()
    {
        var options = Persisted.Options(_dir.SnapshotPath, log: true, AppendLogFsync.Always);
        using var store = Persisted.CreateStore();
        using var manager = Persisted.Loaded(store, options);
        store.SetTensor("kept", Persisted.Floats(1));
        store.SetTensor("deleted", Persisted.Floats(2));
        store.SetTensor("retyped", Persisted.Floats(3));
        manager.Save();

        store.SetTensor("kept", Persisted.Floats(10));
        store.SetTensor("new", Persisted.Floats(4), TimeSpan.FromHours(1));
        store.Delete("deleted");
        store.Delete("retyped");
        store.StoreModel("retyped", TestModels.Mul(), Persisted.Onnx with { Tag = "now a model" });
        store.Expire("kept", TimeSpan.FromHours(2));
        store.SetTensor("transient", Persisted.Floats(5));
        store.DeleteTensor("transient");

        // The process "crashes" here: the manager is never disposed, nothing more is saved.
        using var loaded = Persisted.Restart(options);

        Assert.Equal(["kept", "new", "retyped"], loaded.Scan().Order(StringComparer.Ordinal));
        Assert.Equal([10f], loaded.ReadFloats("kept"));
        Assert.InRange(loaded.GetTimeToLive("kept")!.Value, TimeSpan.FromMinutes(119), TimeSpan.FromHours(2));
        Assert.Equal([4f], loaded.ReadFloats("new"));
        Assert.Equal("now a model", loaded.GetModel("retyped").Tag);
    }

    [Fact]
    public async Task Load_EverySecondMode_ReplaysWhatReachedTheLog()
    {
        var time = new FakeTimeProvider();
        var options = Persisted.Options(_dir.SnapshotPath, log: true, AppendLogFsync.EverySecond);
        using var store = Persisted.CreateStore(time);
        using var manager = Persisted.Loaded(store, options, time);
        store.SetTensor("a", Persisted.Floats(1));
        store.Clear();
        store.SetTensor("b", Persisted.Floats(2));

        await manager.Log!.FlushAsync(sync: true);
        using var loaded = Persisted.Restart(options, time);

        Assert.Equal(["b"], loaded.Scan());
    }

    [Fact]
    public void Load_NoSnapshotYet_ReplaysTheLogFromItsFirstSegment()
    {
        var options = Persisted.Options(_dir.SnapshotPath, log: true);
        using var store = Persisted.CreateStore();
        using var manager = Persisted.Loaded(store, options);
        store.SetTensor("a", Persisted.Floats(1));

        using var loaded = Persisted.Restart(options);

        Assert.False(File.Exists(_dir.SnapshotPath));
        Assert.Equal([1f], loaded.ReadFloats("a"));
    }

    [Fact]
    public void Save_StartsANewSegmentAndDeletesTheOnesItMadeObsolete()
    {
        var options = Persisted.Options(_dir.SnapshotPath, log: true);
        using var store = Persisted.CreateStore();
        using var manager = Persisted.Loaded(store, options);
        store.SetTensor("a", Persisted.Floats(1));
        Assert.Equal(["dump.rdai.log.00000001"], _dir.Files());

        manager.Save();
        store.SetTensor("b", Persisted.Floats(2));

        Assert.Equal(["dump.rdai", "dump.rdai.log.00000002"], _dir.Files());
        using var loaded = Persisted.Restart(options);
        Assert.Equal(["a", "b"], loaded.Scan().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_TornLastRecord_DropsItCutsTheFileAndGoesOn()
    {
        var options = Persisted.Options(_dir.SnapshotPath, log: true);
        using (var store = Persisted.CreateStore())
        {
            var manager = Persisted.Loaded(store, options);
            store.SetTensor("a", Persisted.Floats(1));
            store.SetTensor("b", AiTensor.Create<float>(new float[100], 100));
            manager.Dispose();
        }

        string segment = _dir.File("dump.rdai.log.00000001");
        long full = new FileInfo(segment).Length;
        using (var stream = new FileStream(segment, FileMode.Open))
        {
            stream.SetLength(full - 50);
        }

        using var loaded = Persisted.CreateStore();
        using (var manager = new SnapshotManager(loaded, options))
        {
            var result = manager.Load();
            Assert.Equal(1, result.LogRecords);
            Assert.True(result.LogTruncatedBytes > 0);
            loaded.SetTensor("c", Persisted.Floats(3));
        }

        Assert.True(new FileInfo(segment).Length < full - 50);
        using var again = Persisted.Restart(options);
        Assert.Equal(["a", "c"], again.Scan().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_TornLastRecordWithLoadTruncatedOff_Fails()
    {
        var options = Persisted.Options(_dir.SnapshotPath, log: true);
        options.AppendLog.LoadTruncated = false;
        using (var store = Persisted.CreateStore())
        {
            using var manager = Persisted.Loaded(store, options);
            store.SetTensor("a", Persisted.Floats(1));
        }

        string segment = _dir.File("dump.rdai.log.00000001");
        using (var stream = new FileStream(segment, FileMode.Open))
        {
            stream.SetLength(stream.Length - 3);
        }

        using var loaded = Persisted.CreateStore();
        using var again = new SnapshotManager(loaded, options);
        var ex = Assert.Throws<SnapshotException>(() => again.Load());
        Assert.Equal(AiErrorCode.SnapshotInvalid, ex.Code);
        Assert.Equal(segment, ex.FilePath);
    }

    [Fact]
    public void Load_CorruptedRecordBeforeTheEnd_FailsNamingTheRecordAndLoadsNothing()
    {
        var options = Persisted.Options(_dir.SnapshotPath, log: true);
        using (var store = Persisted.CreateStore())
        {
            using var manager = Persisted.Loaded(store, options);
            store.SetTensor("first", AiTensor.Create<float>(new float[64], 64));
            store.SetTensor("second", Persisted.Floats(2));
        }

        string segment = _dir.File("dump.rdai.log.00000001");
        byte[] bytes = File.ReadAllBytes(segment);
        bytes[100] ^= 0x40;
        File.WriteAllBytes(segment, bytes);

        using var loaded = Persisted.CreateStore();
        loaded.SetTensor("sentinel", Persisted.Floats(0));
        using var again = new SnapshotManager(loaded, options);
        var ex = Assert.Throws<SnapshotException>(() => again.Load());

        Assert.Equal((AiErrorCode.SnapshotInvalid, 0L, "first"), (ex.Code, ex.EntryIndex, ex.Key));
        Assert.Contains("record 0 (key 'first')", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["sentinel"], loaded.Scan());
    }

    [Fact]
    public void Load_MissingSegmentInTheChain_FailsNamingIt()
    {
        var options = Persisted.Options(_dir.SnapshotPath, log: true);
        using (var store = Persisted.CreateStore())
        {
            using var manager = Persisted.Loaded(store, options);
            store.SetTensor("a", Persisted.Floats(1));
            manager.Save();
            store.SetTensor("b", Persisted.Floats(2));
        }

        using (var store = Persisted.CreateStore())
        {
            using var manager = Persisted.Loaded(store, options);
            store.SetTensor("c", Persisted.Floats(3));
        }

        Assert.Equal(["dump.rdai", "dump.rdai.log.00000002", "dump.rdai.log.00000003"], _dir.Files());
        File.Delete(_dir.File("dump.rdai.log.00000002"));

        using var loaded = Persisted.CreateStore();
        using var again = new SnapshotManager(loaded, options);
        var ex = Assert.Throws<SnapshotException>(() => again.Load());
        Assert.Contains("append-only log segment 2 is missing", ex.Message, StringComparison.Ordinal);
        Assert.Empty(loaded.Scan());
    }

    [Fact]
    public async Task Log_GrownPastTheRewriteThreshold_IsRewrittenIntoASnapshot()
    {
        var time = new FakeTimeProvider();
        var options = Persisted.Options(_dir.SnapshotPath, log: true);
        options.AppendLog.RewriteMinSize = 64 << 10;
        using var store = Persisted.CreateStore(time);
        using var manager = Persisted.Loaded(store, options, time);
        for (int i = 0; i < 10; i++)
        {
            store.SetTensor("same-key", AiTensor.Create<float>(new float[4096], 4096));
        }

        time.Advance(TimeSpan.FromSeconds(1));
        await manager.LastBackgroundSave;

        Assert.Equal(["dump.rdai", "dump.rdai.log.00000002"], _dir.Files());
        Assert.True(manager.GetStatus().AppendLogBytes < 1024);
    }

    [Fact]
    public void Load_LogDisabled_IgnoresSegmentsAndLaterSnapshotsSkipPastThem()
    {
        var withLog = Persisted.Options(_dir.SnapshotPath, log: true);
        using (var store = Persisted.CreateStore())
        {
            using var manager = Persisted.Loaded(store, withLog);
            store.SetTensor("logged", Persisted.Floats(1));
        }

        using (var store = Persisted.CreateStore())
        {
            using var manager = Persisted.Loaded(store, Persisted.Options(_dir.SnapshotPath));
            Assert.Empty(store.Scan());
            store.SetTensor("saved", Persisted.Floats(2));
            manager.Save();
        }

        using var loaded = Persisted.Restart(withLog);
        Assert.Equal(["saved"], loaded.Scan());
    }
}
