using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace RedisAI;

/// <summary>The kind of processor a model or script runs on.</summary>
public enum DeviceKind
{
    /// <summary>The host CPU.</summary>
    Cpu = 0,

    /// <summary>A CUDA GPU.</summary>
    Gpu = 1,
}

/// <summary>
/// Where a model or script runs, and which run queue serves it: <c>CPU</c>, <c>GPU</c>, <c>CPU:n</c> or <c>GPU:n</c>.
/// As in RedisAI, <c>CPU</c> and <c>CPU:1</c> are separate queues on the same hardware; <c>GPU</c> without an
/// index means GPU 0 to the backends but is its own queue.
/// </summary>
public readonly record struct Device
{
    private Device(DeviceKind kind, int index)
    {
        Kind = kind;
        Index = index;
    }

    /// <summary>The default CPU queue.</summary>
    public static Device Cpu { get; } = new(DeviceKind.Cpu, -1);

    /// <summary>The default GPU queue (GPU 0).</summary>
    public static Device Gpu { get; } = new(DeviceKind.Gpu, -1);

    /// <summary>The kind of processor.</summary>
    public DeviceKind Kind { get; }

    /// <summary>The index after the colon, or -1 when none was given.</summary>
    public int Index { get; }

    /// <summary>The physical device ordinal a backend should use (0 when no index was given).</summary>
    public int Ordinal => Math.Max(Index, 0);

    /// <summary>Whether this is a GPU.</summary>
    public bool IsGpu => Kind == DeviceKind.Gpu;

    /// <summary>A CPU queue with an index (<c>CPU:n</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public static Device CpuAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new Device(DeviceKind.Cpu, index);
    }

    /// <summary>A GPU by ordinal (<c>GPU:n</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public static Device GpuAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new Device(DeviceKind.Gpu, index);
    }

    /// <summary>Parses <c>CPU</c>, <c>GPU</c>, <c>CPU:n</c>, <c>GPU:n</c> (case-insensitive, n digits only).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Device device)
    {
        device = default;
        if (string.IsNullOrEmpty(text) || text.Length >= 10)
        {
            return false;
        }

        ReadOnlySpan<char> span = text;
        int colon = span.IndexOf(':');
        ReadOnlySpan<char> name = colon < 0 ? span : span[..colon];
        DeviceKind kind;
        if (name.Equals("CPU", StringComparison.OrdinalIgnoreCase))
        {
            kind = DeviceKind.Cpu;
        }
        else if (name.Equals("GPU", StringComparison.OrdinalIgnoreCase))
        {
            kind = DeviceKind.Gpu;
        }
        else
        {
            return false;
        }

        int index = -1;
        if (colon >= 0)
        {
            ReadOnlySpan<char> digits = span[(colon + 1)..];
            if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9')
                || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out index))
            {
                return false;
            }
        }

        device = new Device(kind, index);
        return true;
    }

    /// <summary>Parses a device string, as <see cref="TryParse"/>.</summary>
    /// <exception cref="AiArgumentException">The text is not a device.</exception>
    public static Device Parse(string text) =>
        TryParse(text, out var device) ? device : throw new AiArgumentException($"Invalid DEVICE '{text}': expected CPU, GPU, CPU:<n> or GPU:<n>");

    /// <summary>The canonical upper-case form, which also names the run queue: <c>CPU</c>, <c>GPU:1</c>.</summary>
    public override string ToString()
    {
        string name = Kind == DeviceKind.Gpu ? "GPU" : "CPU";
        return Index < 0 ? name : string.Create(CultureInfo.InvariantCulture, $"{name}:{Index}");
    }
}
