using Microsoft.Extensions.Time.Testing;

namespace RedisAI.Persistence.Tests;

public sealed class SnapshotManagerTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(Start);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task BackgroundSave_WritesAfterTheCall_AreNotInTheSnapshot()
    {
        using var store = Persisted.CreateStore();
        using var manager = Persisted.Loaded(store, Persisted.Options(_dir.SnapshotPath));
        for (int i = 0; i < 64; i++)
        {
            store.SetTensor($"t{i}", AiTensor.Create<float>(new float[256 * 1024], 256 * 1024));
        }

        store.SetTensor("a", Persisted.Floats(1));

        Task save = manager.BackgroundSave();
        store.SetTensor("a", Persisted.Floats(2));
        store.SetTensor("b", Persisted.Floats(3));
        store.Delete("t0");
        await save;

        using var loaded = Persisted.Restart(_dir.SnapshotPath);
        Assert.Equal([1f], loaded.ReadFloats("a"));
        Assert.False(loaded.Exists("b"));
        Assert.True(loaded.Exists("t0"));
        Assert.Equal(65, loaded.Scan().Count);
    }

    [Fact]
    public void Save_Succeeds_ReportsTimeStatusSizeAndChanges()
    {
        using var store = Persisted.CreateStore(_time);
        using var manager = Persisted.Loaded(store, Persisted.Options(_dir.SnapshotPath), _time);
        Assert.Equal((null, SaveOutcome.None), (manager.LastSaveTime, manager.LastSaveStatus));
        store.SetTensor("a", Persisted.Floats(1));
        _time.Advance(TimeSpan.FromMinutes(3));

        manager.Save();
        store.SetTensor("b", Persisted.Floats(2));

        var status = manager.GetStatus();
        Assert.Equal(Start.AddMinutes(3), manager.LastSaveTime);
        Assert.Equal(SaveOutcome.Succeeded, manager.LastSaveStatus);
        Assert.False(manager.SaveInProgress);
        Assert.Equal(new FileInfo(_dir.SnapshotPath).Length, status.LastSaveBytes);
        Assert.Equal(1, status.ChangesSinceLastSave);
        Assert.Null(status.LastSaveError);
    }

    [Fact]
    public void Save_WriteFailsMidway_KeepsThePreviousSnapshotAndReportsTheFailure()
    {
        using var store = Persisted.CreateStore();
        using var manager = Persisted.Loaded(store, Persisted.Options(_dir.SnapshotPath));
        store.SetTensor("a", Persisted.Floats(1));
        manager.Save();
        byte[] good = File.ReadAllBytes(_dir.SnapshotPath);
        store.SetTensor("big", AiTensor.Create<float>(new float[1 << 20], 1 << 20));
        manager.SaveStreamWrapper = file => new FailingStream(file, failAfter: 1 << 20);

        var ex = Assert.Throws<SnapshotException>(manager.Save);

        Assert.Equal(AiErrorCode.PersistenceFailed, ex.Code);
        Assert.Contains("previous snapshot is intact", ex.Message, StringComparison.Ordinal);
        Assert.Equal(good, File.ReadAllBytes(_dir.SnapshotPath));
        Assert.Equal(["dump.rdai"], _dir.Files());
        Assert.Equal(SaveOutcome.Failed, manager.LastSaveStatus);
        Assert.Contains("disk on fire", manager.GetStatus().LastSaveError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackgroundSave_WriteFails_FaultsTheTaskAndKeepsThePreviousSnapshot()
    {
        using var store = Persisted.CreateStore();
        using var manager = Persisted.Loaded(store, Persisted.Options(_dir.SnapshotPath));
        manager.Save();
        byte[] good = File.ReadAllBytes(_dir.SnapshotPath);
        store.SetTensor("a", Persisted.Floats(1));
        manager.SaveStreamWrapper = file => new FailingStream(file, failAfter: 10);

        await Assert.ThrowsAsync<SnapshotException>(manager.BackgroundSave);

        Assert.Equal(good, File.ReadAllBytes(_dir.SnapshotPath));
        Assert.Equal(SaveOutcome.Failed, manager.LastSaveStatus);
    }

    [Fact]
    public async Task SavePolicy_IntervalPassedWithEnoughChanges_SavesInTheBackground()
    {
        using var store = Persisted.CreateStore(_time);
        var options = Persisted.Options(_dir.SnapshotPath);
        options.SavePolicies.Add(new SavePolicy(TimeSpan.FromSeconds(60), 2));
        using var manager = Persisted.Loaded(store, options, _time);

        store.SetTensor("a", Persisted.Floats(1));
        _time.Advance(TimeSpan.FromSeconds(61));
        await manager.LastBackgroundSave;
        Assert.False(File.Exists(_dir.SnapshotPath));

        store.SetTensor("b", Persisted.Floats(2));
        _time.Advance(TimeSpan.FromSeconds(1));
        await manager.LastBackgroundSave;

        Assert.True(File.Exists(_dir.SnapshotPath));
        Assert.Equal(Start.AddSeconds(62), manager.LastSaveTime);
        using var loaded = Persisted.Restart(_dir.SnapshotPath);
        Assert.Equal(["a", "b"], loaded.Scan().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SavePolicy_EnoughChangesTooSoon_WaitsForTheInterval()
    {
        using var store = Persisted.CreateStore(_time);
        var options = Persisted.Options(_dir.SnapshotPath);
        options.SavePolicies.Add(new SavePolicy(TimeSpan.FromSeconds(300), 1));
        using var manager = Persisted.Loaded(store, options, _time);
        store.SetTensor("a", Persisted.Floats(1));

        _time.Advance(TimeSpan.FromSeconds(299));
        await manager.LastBackgroundSave;
        Assert.False(File.Exists(_dir.SnapshotPath));

        _time.Advance(TimeSpan.FromSeconds(1));
        await manager.LastBackgroundSave;
        Assert.True(File.Exists(_dir.SnapshotPath));
    }

    [Fact]
    public async Task SavePolicy_AfterAFailedSave_RetriesOnlyAfterTheRetryDelay()
    {
        using var store = Persisted.CreateStore(_time);
        var options = Persisted.Options(_dir.SnapshotPath);
        options.SavePolicies.Add(new SavePolicy(TimeSpan.FromSeconds(1), 1));
        using var manager = Persisted.Loaded(store, options, _time);
        manager.SaveStreamWrapper = file => new FailingStream(file, failAfter: 0);
        store.SetTensor("a", Persisted.Floats(1));

        _time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<SnapshotException>(() => manager.LastBackgroundSave);
        Task failed = manager.LastBackgroundSave;
        manager.SaveStreamWrapper = null;
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Same(failed, manager.LastBackgroundSave);

        _time.Advance(TimeSpan.FromSeconds(1));
        await manager.LastBackgroundSave;
        Assert.Equal(SaveOutcome.Succeeded, manager.LastSaveStatus);
    }

    [Fact]
    public void SavePolicy_Parse_ReadsRedisSyntax()
    {
        Assert.Equal(
            [new SavePolicy(TimeSpan.FromSeconds(3600), 1), new SavePolicy(TimeSpan.FromSeconds(300), 100)],
            SavePolicy.Parse("3600 1  300 100"));
        Assert.Empty(SavePolicy.Parse(""));
        Assert.Throws<FormatException>(() => SavePolicy.Parse("3600"));
        Assert.Equal("3600 1", SavePolicy.RedisDefaults[0].ToString());
    }

    [Fact]
    public void Dispose_SaveOnShutdown_SavesTheFinalState()
    {
        using var store = Persisted.CreateStore();
        var options = Persisted.Options(_dir.SnapshotPath);
        options.SaveOnShutdown = true;
        var manager = Persisted.Loaded(store, options);
        store.SetTensor("last", Persisted.Floats(7));

        manager.Dispose();

        using var loaded = Persisted.Restart(_dir.SnapshotPath);
        Assert.Equal([7f], loaded.ReadFloats("last"));
    }

    [Fact]
    public async Task DisposeAsync_SaveOnShutdown_SavesTheFinalState()
    {
        using var store = Persisted.CreateStore();
        var options = Persisted.Options(_dir.SnapshotPath);
        options.SaveOnShutdown = true;
        var manager = Persisted.Loaded(store, options);
        store.SetTensor("last", Persisted.Floats(7));

        await manager.DisposeAsync();

        using var loaded = Persisted.Restart(_dir.SnapshotPath);
        Assert.Equal([7f], loaded.ReadFloats("last"));
    }

    [Fact]
    public void Dispose_WithoutSaveOnShutdown_WritesNothing()
    {
        using var store = Persisted.CreateStore();
        var manager = Persisted.Loaded(store, Persisted.Options(_dir.SnapshotPath));
        store.SetTensor("a", Persisted.Floats(1));

        manager.Dispose();

        Assert.Empty(_dir.Files());
    }

    [Fact]
    public void Save_BeforeLoadOrStart_Throws()
    {
        using var store = Persisted.CreateStore();
        using var manager = new SnapshotManager(store, Persisted.Options(_dir.SnapshotPath));

        Assert.Throws<InvalidOperationException>(manager.Save);
        Assert.Throws<InvalidOperationException>(() => { _ = manager.BackgroundSave(); });
    }

    [Fact]
    public void Load_Twice_Throws()
    {
        using var store = Persisted.CreateStore();
        using var manager = Persisted.Loaded(store, Persisted.Options(_dir.SnapshotPath));

        Assert.Throws<InvalidOperationException>(() => manager.Load());
        Assert.Throws<InvalidOperationException>(manager.Start);
    }

    [Fact]
    public void Start_WithAnExistingSnapshot_ReplacesItWithTheCurrentContents()
    {
        using (var old = Persisted.CreateStore())
        {
            old.SetTensor("old", Persisted.Floats(1));
            Persisted.SaveTo(old, _dir.SnapshotPath);
        }

        using var store = Persisted.CreateStore();
        using (var manager = new SnapshotManager(store, Persisted.Options(_dir.SnapshotPath)))
        {
            manager.Start();
        }

        using var loaded = Persisted.Restart(_dir.SnapshotPath);
        Assert.Empty(loaded.Scan());
    }

    [Fact]
    public void Load_LeftoverTemporaryFile_IsDeleted()
    {
        File.WriteAllText(_dir.SnapshotPath + ".0123456789abcdef0123456789abcdef.tmp", "half a snapshot");
        using var store = Persisted.CreateStore();

        using var manager = Persisted.Loaded(store, Persisted.Options(_dir.SnapshotPath));

        Assert.Empty(_dir.Files());
    }

    [Fact]
    public void Options_Invalid_ReportsEveryProblem()
    {
        var options = new SnapshotOptions { Path = "", PolicyCheckInterval = TimeSpan.Zero };
        options.SavePolicies.Add(new SavePolicy(TimeSpan.FromSeconds(-1), 1));
        options.AppendLog.RewritePercentage = -1;

        var ex = Assert.Throws<AiArgumentException>(options.Validate);

        Assert.Equal(4, options.GetValidationErrors().Count);
        Assert.Contains("Path is required", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Writes through until <c>failAfter</c> bytes, then fails as a full disk would.</summary>
    private sealed class FailingStream(Stream inner, long failAfter) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _written;

        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > failAfter)
            {
                throw new IOException("No space left on device (disk on fire)");
            }

            inner.Write(buffer);
            _written += buffer.Length;
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
