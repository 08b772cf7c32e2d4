using System.Collections.ObjectModel;

namespace RedisAI;

/// <summary>
/// A script written in C#: named <see cref="ScriptFunction"/> delegates, stored under a key with
/// <see cref="IAiStore.StoreScript(string, DotNetScript, Device?, string?)"/> and run through the same
/// <see cref="IAiStore.ExecuteScript"/> API, with the same KEYS, INPUTS, ARGS and OUTPUTS semantics, as a TorchScript
/// script.
/// </summary>
/// <remarks>
/// <para><b>When to pick which.</b> Pick a .NET script for glue around models: pre- and post-processing with
/// System.Numerics.Tensors (<see cref="AiTensor.AsTensorSpan{T}"/>, <see cref="AiTensor.FromTensorSpan{T}"/>), string
/// handling, reading other keys or calling models through <see cref="ScriptContext.Store"/>, or anything that needs
/// .NET libraries. It runs at managed speed with no native hop, is debugged and unit-tested like any C#, and needs no
/// libtorch. Pick a TorchScript script when the code must be data, not code: stored, replaced and replicated at run
/// time without redeploying the app (RedisAI compatibility), or when it should run tensor operations on a GPU next
/// to a TorchScript model.</para>
/// <para>A .NET script's code lives in the app, so its <see cref="ScriptInfo.Source"/> is empty and it cannot be
/// restored from a snapshot by another process; store it again at start-up.</para>
/// <para>Immutable and thread-safe; the delegates must be thread-safe too (calls run concurrently).</para>
/// </remarks>
public sealed class DotNetScript
{
    /// <summary>The backend name .NET scripts report (<see cref="ScriptInfo.Backend"/>).</summary>
    public const string BackendName = "DOTNET";

    private DotNetScript(ReadOnlyDictionary<string, ScriptFunction> functions, string[] entryPoints)
    {
        Functions = functions;
        EntryPoints = entryPoints;
    }

    /// <summary>The entry points, in the order they were given.</summary>
    public IReadOnlyList<string> EntryPoints { get; }

    /// <summary>The delegates by entry point name (case-sensitive).</summary>
    public IReadOnlyDictionary<string, ScriptFunction> Functions { get; }

    /// <summary>A script with one entry point.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="AiArgumentException">The name is empty.</exception>
    public static DotNetScript Create(string entryPoint, ScriptFunction function)
    {
        ArgumentNullException.ThrowIfNull(entryPoint);
        ArgumentNullException.ThrowIfNull(function);
        return Create(new Dictionary<string, ScriptFunction>(StringComparer.Ordinal) { [entryPoint] = function });
    }

    /// <summary>A script with several entry points, by name.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="entryPoints"/> or a delegate is null.</exception>
    /// <exception cref="AiArgumentException">There is no entry point, or a name is empty or repeated.</exception>
    public static DotNetScript Create(IEnumerable<KeyValuePair<string, ScriptFunction>> entryPoints)
    {
        ArgumentNullException.ThrowIfNull(entryPoints);
        var functions = new Dictionary<string, ScriptFunction>(StringComparer.Ordinal);
        var names = new List<string>();
        var errors = new List<string>();
        foreach (var (name, function) in entryPoints)
        {
            ArgumentNullException.ThrowIfNull(function, nameof(entryPoints));
            names.Add(name);
            functions.TryAdd(name ?? string.Empty, function);
        }

        ScriptEntryPoints.Check(names, errors);
        if (errors.Count > 0)
        {
            throw new AiArgumentException("invalid .NET script: " + string.Join("; ", errors));
        }

        return new DotNetScript(functions.AsReadOnly(), [.. names]);
    }
}
