namespace RedisAI.Testing.Onnx;

/// <summary>
/// Deterministic pseudo-random weights (SplitMix64), identical on every platform and .NET version,
/// so tests can recompute what a <see cref="TestModels"/> model should output.
/// </summary>
public static class SeededWeights
{
    /// <summary>Returns <paramref name="count"/> values uniformly spread over [-<paramref name="scale"/>, <paramref name="scale"/>).</summary>
    /// <param name="seed">Seed; the same seed always gives the same values.</param>
    /// <param name="count">Number of values.</param>
    /// <param name="scale">Half-width of the range.</param>
    /// <returns>The values.</returns>
    public static float[] Uniform(int seed, int count, float scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var state = (ulong)seed * 0x9E3779B97F4A7C15UL;
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;

            // The top 24 bits fit a float's mantissa exactly, so the value is the same everywhere.
            var unit = (z >> 40) / (float)(1 << 24);
            values[i] = ((unit * 2f) - 1f) * scale;
        }

        return values;
    }
}
