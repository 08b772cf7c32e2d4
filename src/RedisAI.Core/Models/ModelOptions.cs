namespace RedisAI;

/// <summary>
/// How to store a model (RedisAI's AI.MODELSTORE arguments other than the key and the bytes).
/// </summary>
public sealed record ModelOptions
{
    /// <summary>The backend that runs the model: <c>ONNX</c>, <c>TORCH</c>, <c>TF</c> (case-insensitive).</summary>
    public required string Backend { get; init; }

    /// <summary>The device and run queue. Default <see cref="RedisAI.Device.Cpu"/>.</summary>
    public Device Device { get; init; } = Device.Cpu;

    /// <summary>A free-form tag (for example a version). Default empty.</summary>
    public string Tag { get; init; } = string.Empty;

    /// <summary>
    /// Autobatching: concurrent calls are merged along dimension 0 up to this many rows. 0 (default) disables batching.
    /// </summary>
    public int BatchSize { get; init; }

    /// <summary>A batch waits until it has at least this many rows. 0 (default) runs whatever is queued. Needs <see cref="BatchSize"/>.</summary>
    public int MinBatchSize { get; init; }

    /// <summary>A batch below <see cref="MinBatchSize"/> runs anyway after waiting this long. Zero (default) waits indefinitely.</summary>
    public TimeSpan MinBatchTimeout { get; init; }

    /// <summary>
    /// The input names to bind, in order. Optional for backends that discover them (ONNX, TorchScript), where they
    /// select and order the model's inputs by name; required by TensorFlow.
    /// </summary>
    public IReadOnlyList<string>? Inputs { get; init; }

    /// <summary>The output names to return, in order; as <see cref="Inputs"/>.</summary>
    public IReadOnlyList<string>? Outputs { get; init; }

    /// <summary>Checks the options, reporting every problem at once.</summary>
    /// <exception cref="AiArgumentException">An option is invalid.</exception>
    public void Validate() => AiArgumentException.ThrowIfAny(GetValidationErrors(), "model options");

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

        if (BatchSize < 0)
        {
            errors.Add($"Invalid argument for BATCHSIZE: {BatchSize}, expected 0 or more");
        }

        if (MinBatchSize < 0)
        {
            errors.Add($"Invalid argument for MINBATCHSIZE: {MinBatchSize}, expected 0 or more");
        }
        else if (MinBatchSize > 0 && BatchSize == 0)
        {
            errors.Add("MINBATCHSIZE specified without BATCHSIZE");
        }
        else if (MinBatchSize > BatchSize)
        {
            errors.Add($"MINBATCHSIZE ({MinBatchSize}) is larger than BATCHSIZE ({BatchSize}) and could never be reached");
        }

        if (MinBatchTimeout < TimeSpan.Zero)
        {
            errors.Add($"Invalid argument for MINBATCHTIMEOUT: {MinBatchTimeout}, expected zero or more");
        }
        else if (MinBatchTimeout > TimeSpan.Zero && MinBatchSize == 0)
        {
            errors.Add("MINBATCHTIMEOUT specified without MINBATCHSIZE");
        }

        CheckNames(Inputs, "Inputs", errors);
        CheckNames(Outputs, "Outputs", errors);
        return errors;
    }

    private static void CheckNames(IReadOnlyList<string>? names, string what, List<string> errors)
    {
        if (names is null)
        {
            return;
        }

        if (names.Count == 0)
        {
            errors.Add($"{what} is empty; leave it null to use the model's own");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string? name in names)
        {
            if (name is null || !seen.Add(name))
            {
                errors.Add($"{what} has a null or repeated name '{name}'");
            }
        }
    }
}
