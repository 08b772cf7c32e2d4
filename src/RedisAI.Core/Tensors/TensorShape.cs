using System.Collections;
using System.Text;

namespace RedisAI;

/// <summary>
/// The dimensions of a tensor, row-major. No dimensions is a scalar (one element); a zero dimension is
/// allowed and gives an empty tensor. Immutable; <c>default</c> is the scalar shape.
/// </summary>
public readonly struct TensorShape : IEquatable<TensorShape>, IReadOnlyList<long>
{
    private readonly long[]? _dims;
    private readonly long _elementCount;

    /// <summary>Creates a shape from dimensions (copied).</summary>
    /// <exception cref="AiArgumentException">A dimension is negative, or the element count overflows.</exception>
    public TensorShape(params ReadOnlySpan<long> dimensions)
    {
        _elementCount = ComputeElementCount(dimensions);
        _dims = dimensions.Length == 0 ? null : dimensions.ToArray();
    }

    /// <summary>The scalar shape (no dimensions, one element).</summary>
    public static TensorShape Scalar => default;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>The number of elements: the product of the dimensions (1 for a scalar).</summary>
    public long ElementCount => _dims is null ? 1 : _elementCount;

    int IReadOnlyCollection<long>.Count => Rank;

    /// <summary>The dimension at <paramref name="index"/>.</summary>
    public long this[int index] => (_dims ?? [])[index];

    /// <summary>The dimensions as a span.</summary>
    public ReadOnlySpan<long> Dimensions => _dims;

    /// <summary>Returns a shape equal to this one with the first dimension replaced.</summary>
    /// <exception cref="InvalidOperationException">The shape is a scalar.</exception>
    public TensorShape WithFirstDimension(long first)
    {
        if (_dims is null)
        {
            throw new InvalidOperationException("A scalar has no first dimension.");
        }

        var dims = (long[])_dims.Clone();
        dims[0] = first;
        return new TensorShape(dims);
    }

    /// <summary>Validates dimensions and returns the element count.</summary>
    /// <exception cref="AiArgumentException">A dimension is negative, or the count overflows.</exception>
    public static long ComputeElementCount(ReadOnlySpan<long> dimensions)
    {
        long count = 1;
        for (int i = 0; i < dimensions.Length; i++)
        {
            long d = dimensions[i];
            if (d < 0)
            {
                throw new AiArgumentException($"invalid or negative value found in tensor shape: dimension {i} is {d}");
            }

            try
            {
                count = checked(count * d);
            }
            catch (OverflowException)
            {
                throw new AiArgumentException($"tensor shape {Format(dimensions)} has more elements than a tensor can hold");
            }
        }

        return count;
    }

    /// <inheritdoc />
    public bool Equals(TensorShape other) => Dimensions.SequenceEqual(other.Dimensions);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TensorShape other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (long d in Dimensions)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }

    /// <summary>Compares two shapes dimension by dimension.</summary>
    public static bool operator ==(TensorShape left, TensorShape right) => left.Equals(right);

    /// <summary>Compares two shapes dimension by dimension.</summary>
    public static bool operator !=(TensorShape left, TensorShape right) => !left.Equals(right);

    /// <summary>Formats as <c>[2, 3]</c>; a scalar is <c>[]</c>.</summary>
    public override string ToString() => Format(Dimensions);

    /// <inheritdoc />
    public IEnumerator<long> GetEnumerator() => ((IEnumerable<long>)(_dims ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal static string Format(ReadOnlySpan<long> dims)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(dims[i]);
        }

        return sb.Append(']').ToString();
    }
}
