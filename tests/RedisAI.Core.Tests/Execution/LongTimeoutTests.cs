using Microsoft.Extensions.Time.Testing;

namespace RedisAI.Tests.Execution;

public sealed class LongTimeoutTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly AiStore _store;

    public LongTimeoutTests() => _store = new AiStore(new AiStoreOptions(), timeProvider: _time);

    public void Dispose() => _store.Dispose();

    public static TheoryData<TimeSpan> LongTimeouts => new() { TimeSpan.FromDays(60), TimeSpan.MaxValue };

    [Theory]
    [MemberData(nameof(LongTimeouts))]
    public async Task DagWithTimeout_BeyondTimerRange_RunsWithoutTimer(TimeSpan timeout)
    {
        var result = await _store.CreateDag()
            .WithTimeout(timeout)
            .SetTensor("a", AiTensor.Scalar(3f))
            .GetTensor("a")
            .ExecuteAsync();

        Assert.Equal(3f, Assert.Single(result.Tensors).GetData<float>()[0]);
    }

    [Theory]
    [MemberData(nameof(LongTimeouts))]
    public void ExecutionDeadline_BeyondTimerRange_NeverFires(TimeSpan timeout)
    {
        using var deadline = ExecutionDeadline.Start(timeout, _time, CancellationToken.None, CancellationToken.None);

        _time.Advance(TimeSpan.FromDays(59));

        Assert.False(deadline.Token.IsCancellationRequested);
    }
}
