namespace RedisAI;

/// <summary>
/// What a write does to the key's time to live: clear it (the default, as Redis's <c>SET</c>), keep the
/// existing one (<c>KEEPTTL</c>), or set a new one.
/// </summary>
public readonly record struct KeyExpiry
{
    private KeyExpiry(TimeSpan? timeToLive, bool keep)
    {
        TimeToLive = timeToLive;
        KeepExisting = keep;
    }

    /// <summary>The key never expires (any existing expiry is cleared). This is the default.</summary>
    public static KeyExpiry None => default;

    /// <summary>The key keeps the expiry it had before the write (none if it was new).</summary>
    public static KeyExpiry Keep { get; } = new(null, keep: true);

    /// <summary>The key expires <paramref name="timeToLive"/> after the write.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeToLive"/> is not positive.</exception>
    public static KeyExpiry After(TimeSpan timeToLive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        return new KeyExpiry(timeToLive, keep: false);
    }

    /// <summary>The new time to live, when one is set.</summary>
    public TimeSpan? TimeToLive { get; }

    /// <summary>Whether the existing expiry is kept.</summary>
    public bool KeepExisting { get; }

    /// <summary>Expires after <paramref name="timeToLive"/>.</summary>
    public static implicit operator KeyExpiry(TimeSpan timeToLive) => After(timeToLive);

    /// <summary>Expires after <paramref name="timeToLive"/>.</summary>
    public static KeyExpiry FromTimeSpan(TimeSpan timeToLive) => After(timeToLive);
}
