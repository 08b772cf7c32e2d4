using System.Buffers.Binary;
using System.IO.Hashing;
using RedisAI.Testing.Onnx;

namespace RedisAI.Persistence.Tests;

public sealed class CorruptionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_AnyByteCorrupted_FailsNamingFileAndOffsetAndLoadsNothing()
    {
        byte[] original = SaveSample();

        for (int i = 0; i < original.Length; i++)
        {
            byte[] damaged = (byte[])original.Clone();
            damaged[i] ^= (byte)(1 << (i % 8));
            File.WriteAllBytes(_dir.SnapshotPath, damaged);

            var ex = LoadIntoSentinelStore(out var store);

            using (store)
            {
                Assert.True(ex is { Code: AiErrorCode.SnapshotInvalid }, $"byte {i}: {ex?.Message ?? "loaded"}");
                Assert.Equal(_dir.SnapshotPath, ex!.FilePath);
                Assert.NotNull(ex.Offset);
                Assert.Contains(_dir.SnapshotPath, ex.Message, StringComparison.Ordinal);
                Assert.Equal(["sentinel"], store.Scan());
            }
        }
    }

    [Fact]
    public void Load_TruncatedAnywhere_FailsAndLoadsNothing()
    {
        byte[] original = SaveSample();

        for (int length = 0; length < original.Length; length++)
        {
            File.WriteAllBytes(_dir.SnapshotPath, original.AsSpan(0, length).ToArray());

            var ex = LoadIntoSentinelStore(out var store);

            using (store)
            {
                Assert.True(ex is { Code: AiErrorCode.SnapshotInvalid }, $"length {length}: {ex?.Message ?? "loaded"}");
                Assert.Equal(["sentinel"], store.Scan());
            }
        }
    }

    [Fact]
    public void Load_DamagedEntry_NamesTheEntryAndItsKey()
    {
        using var store = Persisted.CreateStore();
        store.SetTensor("only", AiTensor.Create<float>(new float[1000], 1000));
        Persisted.SaveTo(store, _dir.SnapshotPath);
        byte[] bytes = File.ReadAllBytes(_dir.SnapshotPath);
        bytes[2000] ^= 0xFF;
        File.WriteAllBytes(_dir.SnapshotPath, bytes);

        var ex = LoadIntoSentinelStore(out var loaded);
        loaded.Dispose();

        Assert.NotNull(ex);
        Assert.Equal(0, ex.EntryIndex);
        Assert.Equal("only", ex.Key);
        Assert.Contains("checksum mismatch", ex.Message, StringComparison.Ordinal);
        Assert.Contains("entry 0 (key 'only')", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DamagedByteInALargeTensor_IsFoundByTheBackgroundCheck()
    {
        using var store = Persisted.CreateStore();
        store.SetTensor("small", Persisted.Floats(1));
        store.SetTensor("large", AiTensor.Create<float>(new float[3 << 20], 3 << 20));
        Persisted.SaveTo(store, _dir.SnapshotPath);
        byte[] bytes = File.ReadAllBytes(_dir.SnapshotPath);
        int at = bytes.Length - (5 << 20);
        bytes[at] ^= 0x01;
        File.WriteAllBytes(_dir.SnapshotPath, bytes);

        var ex = LoadIntoSentinelStore(out var loaded);
        loaded.Dispose();

        Assert.NotNull(ex);
        Assert.Equal((AiErrorCode.SnapshotInvalid, "large"), (ex.Code, ex.Key));
        Assert.InRange(ex.Offset!.Value, at - (1 << 20), at);
        Assert.Contains("data checksum mismatch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ForeignFile_SaysItIsNotASnapshot()
    {
        File.WriteAllText(_dir.SnapshotPath, "{ \"this\": \"is json, not a snapshot\" }");

        var ex = LoadIntoSentinelStore(out var store);
        store.Dispose();

        Assert.NotNull(ex);
        Assert.Equal(AiErrorCode.SnapshotInvalid, ex.Code);
        Assert.Equal(0, ex.Offset);
        Assert.Contains("not a RedisAI snapshot file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NewerFormatVersion_AsksForAnUpgrade()
    {
        byte[] bytes = SaveSample();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 2);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(32), Crc64.HashToUInt64(bytes.AsSpan(0, 32)));
        File.WriteAllBytes(_dir.SnapshotPath, bytes);

        var ex = LoadIntoSentinelStore(out var store);
        store.Dispose();

        Assert.NotNull(ex);
        Assert.Contains("format version 2 is newer than this build reads (1 to 1)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ModelWhoseBackendIsMissing_NamesTheKeyAndLoadsNothing()
    {
        using (var store = Persisted.CreateStore())
        {
            store.SetTensor("t", Persisted.Floats(1));
            store.StoreModel("m1", TestModels.Mul(), Persisted.Onnx);
            store.StoreModel("m2", TestModels.Add(), Persisted.Onnx);
            Persisted.SaveTo(store, _dir.SnapshotPath);
        }

        using var bare = Persisted.CreateStoreWithoutBackends();
        bare.SetTensor("sentinel", Persisted.Floats(0));
        using var manager = new SnapshotManager(bare, Persisted.Options(_dir.SnapshotPath));

        var ex = Assert.Throws<SnapshotException>(() => manager.Load());

        Assert.Equal(AiErrorCode.BackendNotFound, ex.Code);
        Assert.Equal(["m1", "m2"], ex.Failures.Select(f => f.Key).Order(StringComparer.Ordinal));
        Assert.Contains("model 'm1': unsupported backend 'ONNX'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["sentinel"], bare.Scan());
    }

    [Fact]
    public void Load_MissingBackendWithSkipFailedKeys_LoadsTheRestAndReportsTheKeys()
    {
        using (var store = Persisted.CreateStore())
        {
            store.SetTensor("t", Persisted.Floats(1));
            store.StoreModel("m", TestModels.Mul(), Persisted.Onnx);
            Persisted.SaveTo(store, _dir.SnapshotPath);
        }

        using var bare = Persisted.CreateStoreWithoutBackends();
        var options = Persisted.Options(_dir.SnapshotPath);
        options.SkipFailedKeysOnLoad = true;
        using var manager = new SnapshotManager(bare, options);

        var result = manager.Load();

        Assert.Equal(["t"], bare.Scan());
        var skipped = Assert.Single(result.SkippedKeys);
        Assert.Equal(("m", AiErrorCode.BackendNotFound), (skipped.Key, skipped.Error.Code));
    }

    private byte[] SaveSample()
    {
        using var store = Persisted.CreateStore();
        store.SetTensor("f", AiTensor.Create<float>([1, 2, 3, 4], 2, 2), TimeSpan.FromDays(365));
        store.SetTensor("s", AiTensor.CreateStrings(new[] { "a", "bc" }));
        store.StoreModel("m", TestModels.Mul(), Persisted.Onnx with { Tag = "t" });
        Persisted.SaveTo(store, _dir.SnapshotPath);
        return File.ReadAllBytes(_dir.SnapshotPath);
    }

    private SnapshotException? LoadIntoSentinelStore(out AiStore store)
    {
        store = Persisted.CreateStore();
        store.SetTensor("sentinel", Persisted.Floats(0));
        using var manager = new SnapshotManager(store, Persisted.Options(_dir.SnapshotPath));
        try
        {
            manager.Load();
            return null;
        }
        catch (SnapshotException ex)
        {
            return ex;
        }
    }
}
