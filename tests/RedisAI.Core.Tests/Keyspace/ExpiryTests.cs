using Microsoft.Extensions.Time.Testing;

namespace RedisAI.Tests.Keyspace;

public sealed class ExpiryTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly AiStore _store;

    public ExpiryTests() => _store = new AiStore(new AiStoreOptions { ExpirySweepInterval = TimeSpan.FromSeconds(1) }, timeProvider: _time);

    public void Dispose() => _store.Dispose();

    [Fact]
    public void SetTensor_WithExpiry_IsInvisibleAtTheDeadline()
    {
        _store.SetTensor("session", AiTensor.Scalar(1f), TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(9.999));
        Assert.True(_store.Exists("session"));
        Assert.Equal(TimeSpan.FromMilliseconds(1), _store.GetTimeToLive("session"));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(_store.Exists("session"));
        Assert.False(_store.TryGetTensor("session", out _));
        Assert.Throws<AiKeyNotFoundException>(() => _store.GetTensor("session"));
        Assert.Empty(_store.Scan());
    }

    [Fact]
    public void ExpiredKey_NeverReadAgain_IsReclaimedByTheSweep()
    {
        _store.SetTensor("session", AiTensor.Create(new float[1000]), TimeSpan.FromSeconds(5));
        _store.SetTensor("keep", AiTensor.Create(new float[10]));

        _time.Advance(TimeSpan.FromSeconds(6)); // fires the 1 s sweep timer

        Assert.Equal(new MemoryUsage(40, 0, 0, 1, 0, 0), _store.GetMemoryUsage());
    }

    [Fact]
    public void SetTensor_DefaultExpiry_ClearsAnExistingTimeToLive()
    {
        _store.SetTensor("k", AiTensor.Scalar(1), TimeSpan.FromSeconds(5));

        _store.SetTensor("k", AiTensor.Scalar(2));
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(2, _store.GetTensor("k").GetData<int>()[0]);
        Assert.Null(_store.GetTimeToLive("k"));
    }

    [Fact]
    public void SetTensor_KeepExpiry_KeepsTheExistingDeadline()
    {
        _store.SetTensor("k", AiTensor.Scalar(1), TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(3));

        _store.SetTensor("k", AiTensor.Scalar(2), KeyExpiry.Keep);

        Assert.Equal(TimeSpan.FromSeconds(2), _store.GetTimeToLive("k"));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(_store.Exists("k"));
    }

    [Fact]
    public void ExpireAndPersist_ChangeTheDeadlineOfExistingKeysOnly()
    {
        _store.SetTensor("k", AiTensor.Scalar(1));

        Assert.True(_store.Expire("k", TimeSpan.FromSeconds(2)));
        Assert.False(_store.Expire("missing", TimeSpan.FromSeconds(2)));
        Assert.True(_store.Persist("k"));
        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.True(_store.Exists("k"));
        Assert.Null(_store.GetTimeToLive("k"));
        Assert.False(_store.Persist("missing"));
    }

    [Fact]
    public void ExpiredKey_CanBeWrittenAgainAsAnyType()
    {
        _store.SetTensor("k", AiTensor.Scalar(1), TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));

        _store.SetTensor("k", AiTensor.Scalar(2.0));

        Assert.Equal(DataType.Double, _store.GetTensor("k").DataType);
        Assert.Equal(1, _store.GetMemoryUsage().TensorCount);
    }
}
