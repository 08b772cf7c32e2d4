using Microsoft.Extensions.Time.Testing;

namespace RedisAI.Persistence.Tests;

public sealed class SnapshotLoaderTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(Now);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void LoadOrStartEmpty_UnreadableSnapshot_MovesItAsideNamedWithTheUtcTime()
    {
        File.WriteAllText(_dir.SnapshotPath, "not a snapshot at all");
        using var store = Persisted.CreateStore(_time);
        using var manager = new SnapshotManager(store, Persisted.Options(_dir.SnapshotPath), timeProvider: _time);

        SnapshotStartResult started = manager.LoadOrStartEmpty();

        string aside = _dir.File("dump.rdai.corrupt-20300102030405");
        Assert.Null(started.Loaded);
        Assert.Equal(AiErrorCode.SnapshotInvalid, started.LoadError?.Code);
        Assert.Equal(aside, started.MovedAsidePath);
        Assert.Equal(["dump.rdai.corrupt-20300102030405"], _dir.Files());
        Assert.Equal("not a snapshot at all", File.ReadAllText(aside));
    }

    [Fact]
    public void LoadOrStartEmpty_NoClockGiven_UsesTheStoresClock()
    {
        File.WriteAllText(_dir.SnapshotPath, "not a snapshot at all");
        using var store = Persisted.CreateStore(_time);
        using var manager = new SnapshotManager(store, Persisted.Options(_dir.SnapshotPath));

        SnapshotStartResult started = manager.LoadOrStartEmpty();

        Assert.Same(_time, store.TimeProvider);
        Assert.Equal(_dir.File("dump.rdai.corrupt-20300102030405"), started.MovedAsidePath);
    }

    [Fact]
    public void LoadOrStartEmpty_UnreadableSnapshot_StartsEmptyAndSaving()
    {
        File.WriteAllText(_dir.SnapshotPath, "not a snapshot at all");
        using var store = Persisted.CreateStore(_time);
        using var manager = new SnapshotManager(store, Persisted.Options(_dir.SnapshotPath), timeProvider: _time);

        manager.LoadOrStartEmpty();

        Assert.Empty(store.Scan());
        store.SetTensor("new", Persisted.Floats(1));
        manager.Save();

        using var loaded = Persisted.Restart(_dir.SnapshotPath);
        Assert.Equal(["new"], loaded.Scan());
    }

    [Fact]
    public void LoadOrStartEmpty_ReadableSnapshot_LoadsItAndMovesNothing()
    {
        using (var old = Persisted.CreateStore())
        {
            old.SetTensor("a", Persisted.Floats(1));
            Persisted.SaveTo(old, _dir.SnapshotPath);
        }

        using var store = Persisted.CreateStore(_time);
        using var manager = new SnapshotManager(store, Persisted.Options(_dir.SnapshotPath), timeProvider: _time);

        SnapshotStartResult started = manager.LoadOrStartEmpty();

        Assert.Equal(1, started.Loaded?.Keys);
        Assert.Null(started.LoadError);
        Assert.Null(started.MovedAsidePath);
        Assert.Equal(["dump.rdai"], _dir.Files());
        Assert.Equal([1f], store.ReadFloats("a"));
    }

    [Fact]
    public void LoadOrStartEmpty_AsideNameTaken_ThrowsAndStartsNothing()
    {
        File.WriteAllText(_dir.SnapshotPath, "not a snapshot at all");
        File.WriteAllText(_dir.File("dump.rdai.corrupt-20300102030405"), "moved aside earlier this second");
        using var store = Persisted.CreateStore(_time);
        using var manager = new SnapshotManager(store, Persisted.Options(_dir.SnapshotPath), timeProvider: _time);

        var ex = Assert.Throws<SnapshotException>(() => manager.LoadOrStartEmpty());

        Assert.Equal(AiErrorCode.PersistenceFailed, ex.Code);
        Assert.Equal("not a snapshot at all", File.ReadAllText(_dir.SnapshotPath));
        Assert.Throws<InvalidOperationException>(manager.Save);
    }
}
