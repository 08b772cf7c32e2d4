namespace RedisAI;

/// <summary>
/// What a model declares about one of its inputs or outputs: its name, element type and dimensions, where
/// the backend knows them.
/// </summary>
/// <param name="Name">The name (an ONNX graph name, a TorchScript parameter name; may be empty).</param>
/// <param name="DataType">The element type, or <see langword="null"/> when the backend does not declare it.</param>
/// <param name="Dimensions">The dimensions, -1 for a dimension only known at run time (a batch dimension); empty for a
/// scalar (rank 0); <see langword="null"/> when even the rank is unknown.</param>
public sealed record TensorInfo(string Name, DataType? DataType, IReadOnlyList<long>? Dimensions)
{
    /// <summary>Formats as <c>name: FLOAT [-1, 4]</c>; a scalar's dimensions as <c>[]</c>, unknown ones as <c>[?]</c>.</summary>
    public override string ToString()
    {
        string type = DataType is { } t ? DataTypes.GetName(t) : "?";
        string dims = Dimensions is null ? "[?]" : TensorShape.Format([.. Dimensions]);
        return $"{Name}: {type} {dims}";
    }
}
