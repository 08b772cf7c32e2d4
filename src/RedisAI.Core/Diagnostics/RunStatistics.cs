namespace RedisAI;

/// <summary>Lock-free counters of one stored model or script; lives and dies with its keyspace entry.</summary>
internal sealed class RunStatistics(bool countsSamples)
{
    private long _durationTicks;
    private long _samples;
    private long _calls;
    private long _errors;

    public void RecordSuccess(TimeSpan duration, long samples)
    {
        Interlocked.Add(ref _durationTicks, duration.Ticks);
        Interlocked.Increment(ref _calls);
        if (countsSamples)
        {
            Interlocked.Add(ref _samples, samples);
        }
    }

    public void RecordError(TimeSpan duration)
    {
        Interlocked.Add(ref _durationTicks, duration.Ticks);
        Interlocked.Increment(ref _calls);
        Interlocked.Increment(ref _errors);
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _durationTicks, 0);
        Interlocked.Exchange(ref _samples, 0);
        Interlocked.Exchange(ref _calls, 0);
        Interlocked.Exchange(ref _errors, 0);
    }

    public RunInfo ToInfo(string key, KeyType type, string backend, Device device, string tag) => new(
        key, type, backend, device, tag,
        TimeSpan.FromTicks(Interlocked.Read(ref _durationTicks)),
        countsSamples ? Interlocked.Read(ref _samples) : -1,
        Interlocked.Read(ref _calls),
        Interlocked.Read(ref _errors));
}

/// <summary>A keyspace value with execution statistics (stored models and scripts).</summary>
internal interface IRunStatisticsOwner
{
    RunStatistics Statistics { get; }

    RunInfo GetRunInfo();
}
