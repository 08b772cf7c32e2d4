namespace RedisAI;

public sealed partial class AiTensor
{
    /// <summary>
    /// The number of rows (dimension 0), or 0 for a scalar. Autobatching merges and splits tensors along this dimension.
    /// </summary>
    public long RowCount => Shape.Rank == 0 ? 0 : Shape[0];

    /// <summary>Joins tensors along dimension 0. All must have the same data type and the same other dimensions.</summary>
    /// <exception cref="AiArgumentException">No tensors, a scalar, or tensors that differ in type or other dimensions.</exception>
    public static AiTensor ConcatenateRows(ReadOnlySpan<AiTensor> tensors)
    {
        if (tensors.IsEmpty)
        {
            throw new AiArgumentException("no tensors to concatenate");
        }

        AiTensor first = tensors[0];
        if (first.Shape.Rank == 0)
        {
            throw new AiArgumentException("a scalar has no rows to concatenate");
        }

        long rows = 0;
        foreach (AiTensor t in tensors)
        {
            if (t.DataType != first.DataType || !SameTrailingDimensions(t.Shape, first.Shape))
            {
                throw new AiArgumentException($"cannot concatenate {t} with {first}: types and all dimensions but the first must match");
            }

            rows += t.RowCount;
        }

        TensorShape shape = first.Shape.WithFirstDimension(rows);
        if (first.DataType == DataType.String)
        {
            return ConcatenateStrings(tensors, shape);
        }

        TensorBuffer data = AllocateData(first.DataType, shape);
        int offset = 0;
        foreach (AiTensor t in tensors)
        {
            t._data.Span.CopyTo(data.Span[offset..]);
            offset += t._data.Length;
        }

        return new AiTensor(first.DataType, shape, data, null);
    }

    /// <summary>Copies rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> (dimension 0) into a new tensor.</summary>
    /// <exception cref="AiArgumentException">The tensor is a scalar.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the tensor.</exception>
    public AiTensor SliceRows(long start, long count)
    {
        if (Shape.Rank == 0)
        {
            throw new AiArgumentException("a scalar has no rows to slice");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, RowCount);
        TensorShape shape = Shape.WithFirstDimension(count);
        long perRow = RowCount == 0 ? 0 : ElementCount / RowCount;
        if (DataType == DataType.String)
        {
            var strings = new string[count * perRow];
            for (long i = 0; i < strings.Length; i++)
            {
                strings[i] = GetString((start * perRow) + i);
            }

            return CreateStrings(strings, shape.Dimensions);
        }

        int rowBytes = checked((int)(perRow * DataTypes.GetElementSize(DataType)));
        TensorBuffer data = AllocateData(DataType, shape);
        _data.Span.Slice(checked((int)(start * rowBytes)), data.Length).CopyTo(data.Span);
        return new AiTensor(DataType, shape, data, null);
    }

    private static AiTensor ConcatenateStrings(ReadOnlySpan<AiTensor> tensors, TensorShape shape)
    {
        long total = 0;
        foreach (AiTensor t in tensors)
        {
            total += t._data.Length;
        }

        TensorBuffer blob = TensorBuffer.Allocate(total);
        var offsets = new int[shape.ElementCount];
        int position = 0, element = 0;
        foreach (AiTensor t in tensors)
        {
            foreach (int offset in t._stringOffsets!)
            {
                offsets[element++] = position + offset;
            }

            t._data.Span.CopyTo(blob.Span[position..]);
            position += t._data.Length;
        }

        return new AiTensor(DataType.String, shape, blob, offsets);
    }

    private static bool SameTrailingDimensions(TensorShape a, TensorShape b) =>
        a.Rank == b.Rank && a.Dimensions[1..].SequenceEqual(b.Dimensions[1..]);
}
