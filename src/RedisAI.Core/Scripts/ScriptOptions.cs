namespace RedisAI;

/// <summary>
/// How to store a script from source (RedisAI's AI.SCRIPTSTORE arguments other than the key and the source).
/// </summary>
public sealed record ScriptOptions
{
    /// <summary>The script backend that compiles the source. Default <c>TORCH</c> (TorchScript), as in RedisAI.</summary>
    public string Backend { get; init; } = "TORCH";

    /// <summary>The device and run queue. Default <see cref="RedisAI.Device.Cpu"/>.</summary>
    public Device Device { get; init; } = Device.Cpu;

    /// <summary>A free-form tag (for example a version). Default empty.</summary>
    public string Tag { get; init; } = string.Empty;

    /// <summary>
    /// The functions callers may execute (RedisAI's ENTRY_POINTS). Required, at least one. For TorchScript each must
    /// be a top-level function <c>def f(tensors: List[Tensor], keys: List[str], args: List[str])</c>.
    /// </summary>
    public required IReadOnlyList<string> EntryPoints { get; init; }

    /// <summary>Checks the options, reporting every problem at once.</summary>
    /// <exception cref="AiArgumentException">An option is invalid.</exception>
    public void Validate() => AiArgumentException.ThrowIfAny(GetValidationErrors(), "script options");

    /// <summary>Returns every problem with these options (empty when valid).</summary>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Backend))
        {
            errors.Add("Backend is required");
        }

        if (Tag is null)
        {
            errors.Add("Tag must not be null (use an empty string)");
        }

        ScriptEntryPoints.Check(EntryPoints, errors);
        return errors;
    }
}

/// <summary>The checks every kind of script applies to its entry point names.</summary>
internal static class ScriptEntryPoints
{
    public static void Check(IReadOnlyList<string>? names, List<string> errors)
    {
        if (names is null || names.Count == 0)
        {
            errors.Add("Insufficient arguments, missing script entry points: at least one entry point is required");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string? name in names)
        {
            if (string.IsNullOrWhiteSpace(name) || !seen.Add(name))
            {
                errors.Add($"entry point names must be non-empty and unique ('{name}')");
            }
        }
    }
}
