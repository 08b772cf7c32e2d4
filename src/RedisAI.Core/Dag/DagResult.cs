using System.Diagnostics.CodeAnalysis;

namespace RedisAI;

/// <summary>
/// What a DAG returns: the tensors its <see cref="DagBuilder.GetTensor"/> operations read, in operation order, and by
/// the local name each read.
/// </summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed class DagResult
{
    private readonly Dictionary<string, AiTensor> _byName;

    /// <summary>Creates a result (for tests of code that consumes results, and for stores other than <see cref="AiStore"/>).</summary>
    /// <param name="names">The local name each GetTensor read, in operation order.</param>
    /// <param name="tensors">One tensor per name, in the same order.</param>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public DagResult(IReadOnlyList<string> names, IReadOnlyList<AiTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(tensors);
        if (names.Count != tensors.Count)
        {
            throw new ArgumentException($"{names.Count} names for {tensors.Count} tensors", nameof(names));
        }

        Names = names;
        Tensors = tensors;
        _byName = new Dictionary<string, AiTensor>(names.Count, StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            _byName[names[i]] = tensors[i];
        }
    }

    /// <summary>One tensor per GetTensor operation, in operation order.</summary>
    public IReadOnlyList<AiTensor> Tensors { get; }

    /// <summary>The local name each GetTensor operation read, in operation order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>
    /// The tensor a GetTensor operation read under <paramref name="name"/> (the last one, if the DAG read the name
    /// more than once).
    /// </summary>
    /// <exception cref="AiKeyNotFoundException">No GetTensor operation read <paramref name="name"/>.</exception>
    public AiTensor this[string name] => TryGetTensor(name, out AiTensor? tensor)
        ? tensor
        : throw new AiKeyNotFoundException(name, $"the DAG returned no tensor named '{name}'; it returned {(Names.Count == 0 ? "none" : string.Join(", ", Names))} (add GetTensor(\"{name}\") to return it)");

    /// <summary>Gets the tensor a GetTensor operation read under <paramref name="name"/>, if any.</summary>
    public bool TryGetTensor(string name, [NotNullWhen(true)] out AiTensor? tensor)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out tensor);
    }
}
