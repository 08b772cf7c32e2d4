namespace RedisAI.Tests.Keyspace;

public sealed class TensorKeyTests : IDisposable
{
    private readonly AiStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void SetTensor_ThenGetTensor_ReturnsTheSameTensor()
    {
        var tensor = AiTensor.Create(new[] { 1f, 2f, 3f, 4f }, 2, 2);

        _store.SetTensor("t", tensor);

        Assert.Same(tensor, _store.GetTensor("t"));
        Assert.True(_store.Exists("t"));
        Assert.Equal(KeyType.Tensor, _store.GetKeyType("t"));
    }

    [Fact]
    public void SetTensor_ExistingKey_Replaces()
    {
        _store.SetTensor("t", AiTensor.Create(new[] { 1f }));
        var replacement = AiTensor.Create(new[] { 1, 2 });

        _store.SetTensor("t", replacement);

        Assert.Same(replacement, _store.GetTensor("t"));
        Assert.Equal(new MemoryUsage(8, 0, 0, 1, 0, 0), _store.GetMemoryUsage());
    }

    [Fact]
    public void GetTensor_MissingKey_ThrowsKeyNotFound()
    {
        var ex = Assert.Throws<AiKeyNotFoundException>(() => _store.GetTensor("missing"));

        Assert.Equal("missing", ex.Key);
        Assert.Equal(AiErrorCode.KeyNotFound, ex.Code);
        Assert.Contains("key 'missing' does not exist (expected a tensor)", ex.Message, StringComparison.Ordinal);
        Assert.False(_store.TryGetTensor("missing", out _));
    }

    [Fact]
    public void DeleteTensor_RemovesKeyAndReleasesAccounting()
    {
        _store.SetTensor("t", AiTensor.Create(new double[10]));

        Assert.True(_store.DeleteTensor("t"));
        Assert.False(_store.DeleteTensor("t"));
        Assert.False(_store.Exists("t"));
        Assert.Equal(default, _store.GetMemoryUsage());
    }

    [Fact]
    public void GetMemoryUsage_CountsBytesOfEachTensor()
    {
        _store.SetTensor("a", AiTensor.Create(new float[100]));
        _store.SetTensor("b", AiTensor.CreateStrings(["ab", "c"], 2));

        var usage = _store.GetMemoryUsage();

        Assert.Equal(400 + 5, usage.TensorBytes);
        Assert.Equal(2, usage.TensorCount);
        Assert.Equal(405, usage.TotalBytes);
    }

    [Theory]
    [InlineData("*", new[] { "user:1:state", "user:2:state", "user:10:state", "model" })]
    [InlineData("user:?:state", new[] { "user:1:state", "user:2:state" })]
    [InlineData("user:[1-1]*", new[] { "user:1:state", "user:10:state" })]
    [InlineData("user:[^1]:*", new[] { "user:2:state" })]
    [InlineData("mod\\el", new[] { "model" })]
    [InlineData("nothing*", new string[0])]
    public void Scan_GlobPattern_MatchesRedisSemantics(string pattern, string[] expected)
    {
        foreach (string key in new[] { "user:1:state", "user:2:state", "user:10:state", "model" })
        {
            _store.SetTensor(key, AiTensor.Scalar(1));
        }

        var keys = _store.Scan(pattern);

        Assert.Equal(expected.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Scan_ByType_FiltersKinds()
    {
        _store.SetTensor("t", AiTensor.Scalar(1));

        Assert.Equal(["t"], _store.Scan(type: KeyType.Tensor));
        Assert.Empty(_store.Scan(type: KeyType.Model));
    }

    [Fact]
    public void Operations_NullOrEmptyKey_ThrowArgumentException()
    {
        Assert.ThrowsAny<ArgumentException>(() => _store.SetTensor("", AiTensor.Scalar(1)));
        Assert.ThrowsAny<ArgumentException>(() => _store.GetTensor(null!));
    }

    [Fact]
    public async Task ConcurrentSetGetDelete_ManyThreads_LoseNothing()
    {
        const int threads = 8;
        const int keysPerThread = 500;

        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < keysPerThread; i++)
            {
                string key = $"t{t}:k{i}";
                _store.SetTensor(key, AiTensor.Create(new[] { t, i }));
                Assert.Equal(new[] { t, i }, _store.GetTensor(key).GetData<int>().ToArray());
                if (i % 2 == 1)
                {
                    Assert.True(_store.Delete(key));
                }
            }
        })));

        var usage = _store.GetMemoryUsage();
        Assert.Equal(threads * keysPerThread / 2, usage.TensorCount);
        Assert.Equal(threads * keysPerThread / 2 * 8, usage.TensorBytes);
        for (int t = 0; t < threads; t++)
        {
            for (int i = 0; i < keysPerThread; i += 2)
            {
                Assert.Equal(new[] { t, i }, _store.GetTensor($"t{t}:k{i}").GetData<int>().ToArray());
            }
        }
    }
}
