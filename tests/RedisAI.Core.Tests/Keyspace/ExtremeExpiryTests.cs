using Microsoft.Extensions.Time.Testing;

namespace RedisAI.Tests.Keyspace;

public sealed class ExtremeExpiryTests : IDisposable
{
    private static readonly TimeSpan PastYear9999 = DateTimeOffset.MaxValue - new FakeTimeProvider().GetUtcNow() + TimeSpan.FromDays(1);

    private readonly FakeTimeProvider _time = new();
    private readonly AiStore _store;

    public ExtremeExpiryTests() => _store = new AiStore(new AiStoreOptions { ExpirySweepInterval = TimeSpan.FromSeconds(1) }, timeProvider: _time);

    public void Dispose() => _store.Dispose();

    public static TheoryData<TimeSpan> UnrepresentableTtls => new() { TimeSpan.MaxValue, PastYear9999 };

    [Theory]
    [MemberData(nameof(UnrepresentableTtls))]
    public void Expire_TtlPastYear9999_ThrowsInvalidArgumentAndKeepsKey(TimeSpan ttl)
    {
        _store.SetTensor("k", AiTensor.Scalar(1f), TimeSpan.FromSeconds(30));

        var error = Assert.Throws<AiArgumentException>(() => _store.Expire("k", ttl));

        Assert.Equal(AiErrorCode.InvalidArgument, error.Code);
        Assert.Contains("invalid expire time for key 'k'", error.Message, StringComparison.Ordinal);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1f, _store.GetTensor("k").GetData<float>()[0]);
        Assert.Equal(TimeSpan.FromSeconds(20), _store.GetTimeToLive("k"));
    }

    [Theory]
    [MemberData(nameof(UnrepresentableTtls))]
    public void SetTensor_TtlPastYear9999_ThrowsInvalidArgumentAndLeavesOldValue(TimeSpan ttl)
    {
        _store.SetTensor("k", AiTensor.Scalar(1f));

        var error = Assert.Throws<AiArgumentException>(() => _store.SetTensor("k", AiTensor.Scalar(2f), ttl));

        Assert.Equal(AiErrorCode.InvalidArgument, error.Code);
        Assert.Equal(1f, _store.GetTensor("k").GetData<float>()[0]);
        Assert.Null(_store.GetTimeToLive("k"));
    }

    [Fact]
    public void Expire_TtlEndingJustBeforeMaxValue_IsKept()
    {
        _store.SetTensor("k", AiTensor.Scalar(1f));
        var ttl = DateTimeOffset.MaxValue - _time.GetUtcNow();

        Assert.True(_store.Expire("k", ttl));

        _time.Advance(TimeSpan.FromDays(365));
        Assert.True(_store.Exists("k"));
        Assert.Equal(ttl - TimeSpan.FromDays(365), _store.GetTimeToLive("k"));
    }

    [Fact]
    public void RandomExtremeTtls_OnlyAiStoreExceptionsEscape()
    {
        var random = new Random(14);
        _store.SetTensor("k", AiTensor.Scalar(1f));
        int rejected = 0;
        for (int i = 0; i < 500; i++)
        {
            var ttl = TimeSpan.FromTicks(random.NextInt64(1, long.MaxValue));
            try
            {
                _store.Expire("k", ttl);
                Assert.True(_store.Exists("k"));
            }
            catch (AiStoreException error)
            {
                Assert.Equal(AiErrorCode.InvalidArgument, error.Code);
                rejected++;
            }
        }

        Assert.True(_store.Exists("k"));
        Assert.InRange(rejected, 1, 499);
    }
}
