using System.Diagnostics.CodeAnalysis;

namespace RedisAI;

/// <summary>
/// Facts about each <see cref="DataType"/>, kept in one table: its RedisAI name, element size and CLR type.
/// </summary>
/// <remarks>Thread-safe: the table is immutable.</remarks>
public static class DataTypes
{
    private readonly record struct Row(string Name, int ElementSize, Type? ClrType);

    // Indexed by the enum's numeric value; index 0 is unused.
    private static readonly Row[] Table =
    [
        default,
        new("FLOAT", 4, typeof(float)),
        new("DOUBLE", 8, typeof(double)),
        new("INT8", 1, typeof(sbyte)),
        new("INT16", 2, typeof(short)),
        new("INT32", 4, typeof(int)),
        new("INT64", 8, typeof(long)),
        new("UINT8", 1, typeof(byte)),
        new("UINT16", 2, typeof(ushort)),
        new("BOOL", 1, typeof(bool)),
        new("STRING", 0, null),
        new("FLOAT16", 2, typeof(Half)),
        new("BFLOAT16", 2, typeof(BFloat16)),
        new("UINT32", 4, typeof(uint)),
        new("UINT64", 8, typeof(ulong)),
    ];

    /// <summary>All defined data types, in numeric order.</summary>
    public static IReadOnlyList<DataType> All { get; } = Enum.GetValues<DataType>();

    /// <summary>Returns whether <paramref name="type"/> is a defined data type.</summary>
    public static bool IsDefined(DataType type) => (uint)type - 1 < (uint)(Table.Length - 1);

    /// <summary>The RedisAI name of the type, upper case (for example <c>FLOAT</c>, <c>UINT8</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The type is not defined.</exception>
    public static string GetName(DataType type) => Get(type).Name;

    /// <summary>
    /// The size of one element in bytes, or 0 for <see cref="DataType.String"/> whose elements vary in size.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The type is not defined.</exception>
    public static int GetElementSize(DataType type) => Get(type).ElementSize;

    /// <summary>The CLR type of one element, or <see langword="null"/> for <see cref="DataType.String"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The type is not defined.</exception>
    public static Type? GetClrType(DataType type) => Get(type).ClrType;

    /// <summary>
    /// Parses a RedisAI type name. The word and the <c>INT</c>/<c>UINT</c> prefix are matched
    /// case-insensitively; the bit suffix must be exact (<c>float</c> and <c>Int32</c> parse, <c>INT032</c> does not).
    /// </summary>
    public static bool TryParse(string? name, out DataType type)
    {
        if (name is not null)
        {
            for (int i = 1; i < Table.Length; i++)
            {
                if (string.Equals(Table[i].Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    type = (DataType)i;
                    return true;
                }
            }
        }

        type = default;
        return false;
    }

    /// <summary>Parses a RedisAI type name, as <see cref="TryParse"/>.</summary>
    /// <exception cref="AiArgumentException">The name is not a data type.</exception>
    public static DataType Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryParse(name, out var type)
            ? type
            : throw new AiArgumentException($"invalid data type '{name}'; expected one of {string.Join(", ", All.Select(GetName))}");
    }

    /// <summary>Returns the data type whose elements are <typeparamref name="T"/>.</summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not the element type of any data type.</exception>
    public static DataType Of<T>() where T : unmanaged =>
        TypeMap<T>.Type ?? throw new ArgumentException($"{typeof(T).Name} is not a tensor element type.", nameof(T));

    /// <summary>Returns the data type whose elements are <typeparamref name="T"/>, if there is one.</summary>
    public static bool TryOf<T>([NotNullWhen(true)] out DataType? type) where T : unmanaged
    {
        type = TypeMap<T>.Type;
        return type is not null;
    }

    private static Row Get(DataType type) =>
        IsDefined(type) ? Table[(int)type] : throw new ArgumentOutOfRangeException(nameof(type), type, "Not a defined data type.");

    private static class TypeMap<T> where T : unmanaged
    {
        public static readonly DataType? Type = Find();

        private static DataType? Find()
        {
            for (int i = 1; i < Table.Length; i++)
            {
                if (Table[i].ClrType == typeof(T))
                {
                    return (DataType)i;
                }
            }

            return null;
        }
    }
}
