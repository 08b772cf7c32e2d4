using System.Globalization;

namespace RedisAI.Persistence;

/// <summary>
/// A save point, as Redis's <c>save &lt;seconds&gt; &lt;changes&gt;</c>: take a background snapshot once
/// <see cref="Interval"/> has passed since the last successful save and at least <see cref="MinChanges"/> changes were
/// made since it.
/// </summary>
/// <param name="Interval">Time since the last successful save (since start when none).</param>
/// <param name="MinChanges">Changes (writes, deletes, expiry changes, expirations) since that save.</param>
public sealed record SavePolicy(TimeSpan Interval, long MinChanges)
{
    /// <summary>Redis's default save points: after an hour if 1 change, 5 minutes if 100, 1 minute if 10,000.</summary>
    public static IReadOnlyList<SavePolicy> RedisDefaults { get; } =
    [
        new(TimeSpan.FromHours(1), 1),
        new(TimeSpan.FromMinutes(5), 100),
        new(TimeSpan.FromMinutes(1), 10_000),
    ];

    /// <summary>Parses Redis's syntax: pairs of seconds and changes, <c>"3600 1 300 100"</c>. An empty string is no policy.</summary>
    /// <exception cref="FormatException">The text is not pairs of non-negative integers.</exception>
    public static IReadOnlyList<SavePolicy> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length % 2 != 0)
        {
            throw new FormatException($"save policies are pairs of seconds and changes; '{text}' has an odd number of values");
        }

        var policies = new SavePolicy[parts.Length / 2];
        for (int i = 0; i < policies.Length; i++)
        {
            if (!long.TryParse(parts[2 * i], NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
                || !long.TryParse(parts[(2 * i) + 1], NumberStyles.None, CultureInfo.InvariantCulture, out long changes))
            {
                throw new FormatException($"save policy {i + 1} in '{text}' is not two non-negative integers");
            }

            policies[i] = new SavePolicy(TimeSpan.FromSeconds(seconds), changes);
        }

        return policies;
    }

    /// <summary>Formats as Redis does: <c>3600 1</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{(long)Interval.TotalSeconds} {MinChanges}");
}
