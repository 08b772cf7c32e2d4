using System.Globalization;

namespace RedisAI;

/// <summary>The kind of value a <see cref="ScriptArgument"/> holds.</summary>
#pragma warning disable CA1720 // The members name the kinds of script arguments callers know.
public enum ScriptArgumentKind
{
    /// <summary>A string (RedisAI's ARGS are all strings).</summary>
    Text = 0,

    /// <summary>A 64-bit integer.</summary>
    Integer = 1,

    /// <summary>A 64-bit float.</summary>
    Float = 2,

    /// <summary>A list of strings.</summary>
    TextList = 3,

    /// <summary>A list of 64-bit integers.</summary>
    IntegerList = 4,

    /// <summary>A list of 64-bit floats.</summary>
    FloatList = 5,
}
#pragma warning restore CA1720

/// <summary>
/// One of the ARGS passed to a script: a string, an integer, a float, or a list of one of them. Values convert
/// implicitly (<c>args: ["mode", 3, 0.5, new long[] { 1, 2 }]</c>).
/// </summary>
/// <remarks>
/// <para>TorchScript scripts receive every argument as a string (<c>args: List[str]</c>, as in RedisAI), in the form
/// <see cref="AsString"/> gives: numbers in invariant culture (floats round-trip exactly), lists as their elements
/// joined by commas (<c>"1,2"</c>; the script splits them). .NET scripts read them typed.</para>
/// <para>Immutable and thread-safe; <c>default</c> is the empty string.</para>
/// </remarks>
public readonly struct ScriptArgument : IEquatable<ScriptArgument>
{
    private readonly long _integer;
    private readonly double _float;

    // string for Text, or the array for the list kinds.
    private readonly object? _reference;

    private ScriptArgument(ScriptArgumentKind kind, long integer, double number, object? reference)
    {
        Kind = kind;
        _integer = integer;
        _float = number;
        _reference = reference;
    }

    /// <summary>The kind of value.</summary>
    public ScriptArgumentKind Kind { get; }

    /// <summary>Whether the value is a list.</summary>
    public bool IsList => Kind >= ScriptArgumentKind.TextList;

    /// <summary>A string argument.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static implicit operator ScriptArgument(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(ScriptArgumentKind.Text, 0, 0, value);
    }

    /// <summary>An integer argument.</summary>
    public static implicit operator ScriptArgument(long value) => new(ScriptArgumentKind.Integer, value, 0, null);

    /// <summary>A float argument.</summary>
    public static implicit operator ScriptArgument(double value) => new(ScriptArgumentKind.Float, 0, value, null);

    /// <summary>A list of strings (copied).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or an element is null.</exception>
    public static implicit operator ScriptArgument(string[] values) => FromList(values);

    /// <summary>A list of integers (copied).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    public static implicit operator ScriptArgument(long[] values) => FromList(values);

    /// <summary>A list of floats (copied).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    public static implicit operator ScriptArgument(double[] values) => FromList(values);

    /// <summary>Equality of kind and value.</summary>
    public static bool operator ==(ScriptArgument left, ScriptArgument right) => left.Equals(right);

    /// <summary>Inequality of kind or value.</summary>
    public static bool operator !=(ScriptArgument left, ScriptArgument right) => !left.Equals(right);

    /// <summary>A string argument.</summary>
    public static ScriptArgument FromString(string value) => value;

    /// <summary>An integer argument.</summary>
    public static ScriptArgument FromInt64(long value) => value;

    /// <summary>A float argument.</summary>
    public static ScriptArgument FromDouble(double value) => value;

    /// <summary>A list of strings (copied).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or an element is null.</exception>
    public static ScriptArgument FromList(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        string[] copy = [.. values];
        foreach (string element in copy)
        {
            ArgumentNullException.ThrowIfNull(element, nameof(values));
        }

        return new(ScriptArgumentKind.TextList, 0, 0, copy);
    }

    /// <summary>A list of integers (copied).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    public static ScriptArgument FromList(IEnumerable<long> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(ScriptArgumentKind.IntegerList, 0, 0, values.ToArray());
    }

    /// <summary>A list of floats (copied).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    public static ScriptArgument FromList(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(ScriptArgumentKind.FloatList, 0, 0, values.ToArray());
    }

    /// <summary>
    /// The value as text: a string as it is, numbers in invariant culture (floats in their shortest round-trip
    /// form), lists as their elements joined by commas. This is what TorchScript scripts receive.
    /// </summary>
    public string AsString() => Kind switch
    {
        ScriptArgumentKind.Text => (string?)_reference ?? string.Empty,
        ScriptArgumentKind.Integer => Format(_integer),
        ScriptArgumentKind.Float => Format(_float),
        ScriptArgumentKind.TextList => string.Join(',', (string[])_reference!),
        ScriptArgumentKind.IntegerList => string.Join(',', Array.ConvertAll((long[])_reference!, Format)),
        _ => string.Join(',', Array.ConvertAll((double[])_reference!, Format)),
    };

    /// <summary>The value as an integer: an integer, an integral float, or a string holding an integer.</summary>
    /// <exception cref="AiArgumentException">The value is a list, a fraction, or text that is not an integer.</exception>
    public long AsInt64() => Kind switch
    {
        ScriptArgumentKind.Integer => _integer,
        ScriptArgumentKind.Float when _float == Math.Truncate(_float) && Math.Abs(_float) < 9.2e18 => (long)_float,
        ScriptArgumentKind.Text => ParseInt64(AsString()),
        _ => throw Mismatch("an integer"),
    };

    /// <summary>The value as a float: a float, an integer, or a string holding a number.</summary>
    /// <exception cref="AiArgumentException">The value is a list or text that is not a number.</exception>
    public double AsDouble() => Kind switch
    {
        ScriptArgumentKind.Float => _float,
        ScriptArgumentKind.Integer => _integer,
        ScriptArgumentKind.Text => ParseDouble(AsString()),
        _ => throw Mismatch("a number"),
    };

    /// <summary>The elements of a list as text (as <see cref="AsString"/> formats them); a single value gives one element.</summary>
    public IReadOnlyList<string> AsStringList() => Kind switch
    {
        ScriptArgumentKind.TextList => (string[])_reference!,
        ScriptArgumentKind.IntegerList => Array.ConvertAll((long[])_reference!, Format),
        ScriptArgumentKind.FloatList => Array.ConvertAll((double[])_reference!, Format),
        _ => [AsString()],
    };

    /// <summary>
    /// The elements of a list as integers. A string is split at commas (<c>"1,2,3"</c>, as a RESP client sends a list);
    /// a single number gives one element.
    /// </summary>
    /// <exception cref="AiArgumentException">An element is not an integer.</exception>
    public IReadOnlyList<long> AsInt64List() => Kind switch
    {
        ScriptArgumentKind.IntegerList => (long[])_reference!,
        ScriptArgumentKind.Integer or ScriptArgumentKind.Float => [AsInt64()],
        _ => Array.ConvertAll(Elements(), static e => ParseInt64(e)),
    };

    /// <summary>The elements of a list as floats; as <see cref="AsInt64List"/>.</summary>
    /// <exception cref="AiArgumentException">An element is not a number.</exception>
    public IReadOnlyList<double> AsDoubleList() => Kind switch
    {
        ScriptArgumentKind.FloatList => (double[])_reference!,
        ScriptArgumentKind.IntegerList => Array.ConvertAll((long[])_reference!, static v => (double)v),
        ScriptArgumentKind.Integer or ScriptArgumentKind.Float => [AsDouble()],
        _ => Array.ConvertAll(Elements(), static e => ParseDouble(e)),
    };

    /// <summary>Equality of kind and value (lists element by element).</summary>
    public bool Equals(ScriptArgument other) => Kind == other.Kind && Kind switch
    {
        ScriptArgumentKind.Integer => _integer == other._integer,
        ScriptArgumentKind.Float => _float.Equals(other._float),
        ScriptArgumentKind.TextList => ((string[])_reference!).AsSpan().SequenceEqual((string[])other._reference!),
        ScriptArgumentKind.IntegerList => ((long[])_reference!).AsSpan().SequenceEqual((long[])other._reference!),
        ScriptArgumentKind.FloatList => ((double[])_reference!).AsSpan().SequenceEqual((double[])other._reference!),
        _ => string.Equals(AsString(), other.AsString(), StringComparison.Ordinal),
    };

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ScriptArgument other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, AsString());

    /// <summary>The value as <see cref="AsString"/> formats it.</summary>
    public override string ToString() => AsString();

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static long ParseInt64(string text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new AiArgumentException($"script argument '{text}' is not an integer");

    private static double ParseDouble(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new AiArgumentException($"script argument '{text}' is not a number");

    private string[] Elements() => Kind == ScriptArgumentKind.TextList
        ? (string[])_reference!
        : AsString() is { Length: > 0 } text ? text.Split(',', StringSplitOptions.TrimEntries) : [];

    private AiArgumentException Mismatch(string expected) =>
        new($"script argument '{AsString()}' is a {Kind}, not {expected}");
}
