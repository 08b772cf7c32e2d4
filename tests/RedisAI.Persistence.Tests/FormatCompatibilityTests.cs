using Microsoft.Extensions.Time.Testing;

namespace RedisAI.Persistence.Tests;

/// <summary>
/// Files written by released format versions must load forever. Fixtures/snapshot-v1.rdai was written by format
/// version 1 and is never regenerated: when the format changes, add a fixture for the new version beside it.
/// </summary>
public sealed class FormatCompatibilityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_FormatVersion1File_LoadsEveryEntry()
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "snapshot-v1.rdai"), _dir.SnapshotPath);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero));
        using var store = Persisted.CreateStore(time);
        using var manager = new SnapshotManager(store, Persisted.Options(_dir.SnapshotPath), timeProvider: time);

        var result = manager.Load();

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero), result.SnapshotCreatedAt);
        Assert.Equal(["float", "int64", "mul", "strings"], store.Scan().Order(StringComparer.Ordinal));
        Assert.Equal([1.5f, -2, 3.25f, 0], store.ReadFloats("float"));
        Assert.Equal(new TensorShape(2, 2), store.GetTensor("float").Shape);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero).AddDays(365 * 74) - time.GetUtcNow(), store.GetTimeToLive("float"));
        Assert.Equal(["redis", "ai", ""], store.GetTensor("strings").GetStrings());
        Assert.Equal(-42L, store.GetTensor("int64").GetData<long>()[0]);
        var model = store.GetModel("mul");
        Assert.Equal(("ONNX", "golden", 4, 2, TimeSpan.FromMilliseconds(50)), (model.Backend, model.Tag, model.BatchSize, model.MinBatchSize, model.MinBatchTimeout));
        Assert.Equal(["a", "b"], model.Inputs.Select(i => i.Name));
    }
}
