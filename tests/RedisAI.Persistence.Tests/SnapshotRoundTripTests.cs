using Microsoft.Extensions.Time.Testing;
using RedisAI.Testing.Onnx;

namespace RedisAI.Persistence.Tests;

public sealed class SnapshotRoundTripTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<DataType> AllDataTypes() => [.. DataTypes.All];

    [Theory]
    [MemberData(nameof(AllDataTypes))]
    public void Save_EveryDataType_LoadsIdenticalTensors(DataType type)
    {
        using var store = Persisted.CreateStore();
        store.SetTensor("matrix", Sample(type, 2, 3));
        store.SetTensor("scalar", Sample(type));
        store.SetTensor("empty", Sample(type, 0, 4));

        Persisted.SaveTo(store, _dir.SnapshotPath);
        using var loaded = Persisted.Restart(_dir.SnapshotPath);

        foreach (string key in new[] { "matrix", "scalar", "empty" })
        {
            AiTensor expected = store.GetTensor(key);
            AiTensor actual = loaded.GetTensor(key);
            Assert.True(expected.ContentEquals(actual), $"{key}: {expected} != {actual}");
        }
    }

    [Theory]
    [InlineData(1 << 18)]
    [InlineData((1 << 18) + 25)]
    [InlineData((3 << 18) + 4000)]
    public void Save_TensorsSpanningSeveralChunks_RoundTrip(int elements)
    {
        using var store = Persisted.CreateStore();
        var values = new float[elements];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i * 0.5f;
        }

        store.SetTensor("big", AiTensor.Create<float>(values, elements));
        store.SetTensor("after", Persisted.Floats(7));

        Persisted.SaveTo(store, _dir.SnapshotPath);
        using var loaded = Persisted.Restart(_dir.SnapshotPath);

        Assert.Equal(values, loaded.ReadFloats("big"));
        Assert.Equal([7f], loaded.ReadFloats("after"));
    }

    [Fact]
    public void Save_StringTensor_KeepsEveryElement()
    {
        using var store = Persisted.CreateStore();
        store.SetTensor("s", AiTensor.CreateStrings(["", "héllo", "wörld 🌍", "a"], 2, 2));

        Persisted.SaveTo(store, _dir.SnapshotPath);
        using var loaded = Persisted.Restart(_dir.SnapshotPath);

        Assert.Equal(["", "héllo", "wörld 🌍", "a"], loaded.GetTensor("s").GetStrings());
        Assert.Equal(new TensorShape(2, 2), loaded.GetTensor("s").Shape);
    }

    [Fact]
    public void Load_ExpiryPassedWhileDown_LeavesKeyOutAndKeepsTheRest()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var store = Persisted.CreateStore(time);
        store.SetTensor("short", Persisted.Floats(1), TimeSpan.FromMinutes(1));
        store.SetTensor("long", Persisted.Floats(2), TimeSpan.FromHours(1));
        store.SetTensor("forever", Persisted.Floats(3));
        Persisted.SaveTo(store, _dir.SnapshotPath);

        time.Advance(TimeSpan.FromMinutes(10));
        using var loaded = Persisted.CreateStore(time);
        using var manager = new SnapshotManager(loaded, Persisted.Options(_dir.SnapshotPath), timeProvider: time);
        var result = manager.Load();

        Assert.False(loaded.Exists("short"));
        Assert.Equal(TimeSpan.FromMinutes(50), loaded.GetTimeToLive("long"));
        Assert.Null(loaded.GetTimeToLive("forever"));
        Assert.Equal((true, 2, 1), (result.SnapshotFound, result.Keys, result.ExpiredKeys));
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), result.SnapshotCreatedAt);
    }

    [Fact]
    public void Save_OnnxModels_ReloadWithTheSameMetadataAndRun()
    {
        using var store = Persisted.CreateStore();
        byte[] mul = TestModels.Mul();
        store.StoreModel("mul", mul, Persisted.Onnx with
        {
            Tag = "v2", Device = Device.CpuAt(1), BatchSize = 4, MinBatchSize = 2, MinBatchTimeout = TimeSpan.FromMilliseconds(100),
        });
        store.StoreModel("product", TestModels.TwoOutputs(), Persisted.Onnx with { Outputs = ["product"] });
        store.StoreModel("mlp", TestModels.Mlp([4, 8, 2], seed: 3), Persisted.Onnx);

        Persisted.SaveTo(store, _dir.SnapshotPath);
        using var loaded = Persisted.Restart(_dir.SnapshotPath);

        foreach (string key in new[] { "mul", "product", "mlp" })
        {
            ModelInfo expected = store.GetModel(key);
            ModelInfo actual = loaded.GetModel(key);
            Assert.Equal(
                (expected.Backend, expected.Device, expected.Tag, expected.BatchSize, expected.MinBatchSize, expected.MinBatchTimeout),
                (actual.Backend, actual.Device, actual.Tag, actual.BatchSize, actual.MinBatchSize, actual.MinBatchTimeout));
            Assert.Equal(expected.Inputs.Select(i => i.ToString()), actual.Inputs.Select(i => i.ToString()));
            Assert.Equal(expected.Outputs.Select(o => o.ToString()), actual.Outputs.Select(o => o.ToString()));
            Assert.Equal(expected.Blob.ToArray(), actual.Blob.ToArray());
        }

        loaded.SetTensor("a", AiTensor.Create<float>([1, 2, 3, 4], 2, 2));
        loaded.SetTensor("b", AiTensor.Create<float>([5, 6, 7, 8], 2, 2));
        loaded.ExecuteModel("mul", ["a", "b"], ["c"]);
        loaded.ExecuteModel("product", ["a", "b"], ["p"]);
        Assert.Equal([5f, 12, 21, 32], loaded.ReadFloats("c"));
        Assert.Equal([5f, 12, 21, 32], loaded.ReadFloats("p"));
        float[] input = [0.5f, -1, 2, 0.25f];
        Assert.Equal(
            store.RunModel("mlp", [AiTensor.Create<float>(input, 1, 4)])[0].GetData<float>().ToArray(),
            loaded.RunModel("mlp", [AiTensor.Create<float>(input, 1, 4)])[0].GetData<float>().ToArray());
    }

    [Fact]
    public void Load_IntoAStoreWithKeys_ReplacesItsContents()
    {
        using var store = Persisted.CreateStore();
        store.SetTensor("kept", Persisted.Floats(1));
        Persisted.SaveTo(store, _dir.SnapshotPath);
        using var other = Persisted.CreateStore();
        other.SetTensor("kept", Persisted.Floats(9));
        other.SetTensor("gone", Persisted.Floats(9));

        using var manager = Persisted.Loaded(other, Persisted.Options(_dir.SnapshotPath));

        Assert.Equal([1f], other.ReadFloats("kept"));
        Assert.False(other.Exists("gone"));
    }

    [Fact]
    public void Load_NoSnapshotFile_StartsEmpty()
    {
        using var store = Persisted.CreateStore();

        using var manager = new SnapshotManager(store, Persisted.Options(_dir.SnapshotPath));
        var result = manager.Load();

        Assert.False(result.SnapshotFound);
        Assert.Equal(0, result.Keys);
        Assert.Empty(store.Scan());
    }

    [Fact]
    public void Save_EmptyStore_LoadsEmpty()
    {
        using var store = Persisted.CreateStore();
        Persisted.SaveTo(store, _dir.SnapshotPath);

        using var loaded = Persisted.Restart(_dir.SnapshotPath);

        Assert.Empty(loaded.Scan());
    }

    internal static AiTensor Sample(DataType type, params long[] dims)
    {
        var shape = new TensorShape(dims);
        if (type == DataType.String)
        {
            return AiTensor.CreateStrings([.. Enumerable.Range(0, (int)shape.ElementCount).Select(i => $"s{i}")], dims);
        }

        var bytes = new byte[shape.ElementCount * DataTypes.GetElementSize(type)];
        new Random((int)type).NextBytes(bytes);
        if (type == DataType.Bool)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] &= 1;
            }
        }

        return AiTensor.FromBytes(type, shape, bytes);
    }
}
