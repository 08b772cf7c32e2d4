namespace RedisAI;

/// <summary>
/// Turns a caller's request into an <see cref="ExecutionCall"/> before anything runs: takes a reference to the model or
/// script, reads the input keys, checks the output keys can be written, binds names to positions and checks inputs
/// against the model. On failure nothing is held and nothing has changed.
/// </summary>
/// <param name="keyspace">Where keys are read.</param>
/// <param name="scriptHost">The store .NET scripts see as <see cref="ScriptContext.Store"/>.</param>
internal sealed class CallResolver(Keyspace keyspace, IAiStore scriptHost)
{
    /// <summary>The store scripts run against.</summary>
    public IAiStore ScriptHost => scriptHost;

    /// <summary>A keyed model call with inputs and outputs by position (RedisAI's AI.MODELEXECUTE).</summary>
    public ModelCall ModelByKeys(string key, IReadOnlyList<string> inputKeys, IReadOnlyList<string> outputKeys)
    {
        ArgumentNullException.ThrowIfNull(inputKeys);
        ArgumentNullException.ThrowIfNull(outputKeys);
        StoredModel model = AcquireModel(key);
        try
        {
            InputValidator.ValidateCounts(model.Info, inputKeys.Count, outputKeys.Count);
            return KeyedModelCall(model, inputKeys, outputKeys, dropsOutputs: false);
        }
        catch
        {
            model.Release();
            throw;
        }
    }

    /// <summary>A keyed model call with inputs and outputs by the model's names; outputs not named are dropped.</summary>
    public ModelCall ModelByNames(string key, IReadOnlyDictionary<string, string> inputKeys, IReadOnlyDictionary<string, string> outputKeys)
    {
        ArgumentNullException.ThrowIfNull(inputKeys);
        ArgumentNullException.ThrowIfNull(outputKeys);
        StoredModel model = AcquireModel(key);
        try
        {
            string?[] inputs = ModelBinding.ToPositions(model.Info, model.Info.Inputs, inputKeys, requireAll: true, "input");
            string?[] outputs = ModelBinding.ToPositions(model.Info, model.Info.Outputs, outputKeys, requireAll: false, "output");
            return KeyedModelCall(model, inputs!, outputs, dropsOutputs: outputKeys.Count < outputs.Length);
        }
        catch
        {
            model.Release();
            throw;
        }
    }

    /// <summary>A direct model call on tensors in the model's input order.</summary>
    public ModelCall ModelOnTensors(string key, AiTensor[] inputs)
    {
        StoredModel model = AcquireModel(key);
        try
        {
            InputValidator.Validate(model.Info, inputs, null);
            return new ModelCall(model, inputs, null);
        }
        catch
        {
            model.Release();
            throw;
        }
    }

    /// <summary>A direct model call on tensors bound by the model's input names.</summary>
    public ModelCall ModelOnNamedTensors(string key, IReadOnlyDictionary<string, AiTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        StoredModel model = AcquireModel(key);
        try
        {
            AiTensor?[] ordered = ModelBinding.ToPositions(model.Info, model.Info.Inputs, inputs, requireAll: true, "input");
            InputValidator.Validate(model.Info, ordered!, null);
            return new ModelCall(model, ordered!, null);
        }
        catch
        {
            model.Release();
            throw;
        }
    }

    /// <summary>A keyed script call (RedisAI's AI.SCRIPTEXECUTE).</summary>
    public ScriptCall ScriptByKeys(
        string key, string entryPoint, IReadOnlyList<string> keys, IReadOnlyList<string> inputKeys,
        IReadOnlyList<ScriptArgument> args, IReadOnlyList<string> outputKeys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(inputKeys);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(outputKeys);
        StoredScript script = AcquireScript(key, entryPoint);
        try
        {
            AiTensor[] inputs = ReadInputs(inputKeys, script);
            CheckWritable(outputKeys);
            return new ScriptCall(script, entryPoint, inputs, [.. keys], [.. args], outputKeys, scriptHost);
        }
        catch
        {
            script.Release();
            throw;
        }
    }

    /// <summary>A direct script call on tensors.</summary>
    public ScriptCall ScriptOnTensors(string key, string entryPoint, AiTensor[] inputs, IReadOnlyList<string>? keys, IReadOnlyList<ScriptArgument>? args)
    {
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null)
            {
                throw new AiArgumentException($"input {i} of script '{key}' is null");
            }
        }

        StoredScript script = AcquireScript(key, entryPoint);
        return new ScriptCall(script, entryPoint, inputs, keys is null ? [] : [.. keys], args is null ? [] : [.. args], null, scriptHost);
    }

    /// <summary>Takes a reference to the model under <paramref name="key"/>; the caller releases it.</summary>
    public StoredModel AcquireModel(string key)
    {
        while (true)
        {
            var model = (StoredModel)(keyspace.GetOfType(key, KeyType.Model) ?? throw NotFound(key, "model")).Value;
            if (model.TryAcquire())
            {
                return model;
            }

            // Replaced or deleted between the lookup and the acquire: look again.
        }
    }

    /// <summary>Takes a reference to the script under <paramref name="key"/>, whose entry points must include <paramref name="entryPoint"/>.</summary>
    public StoredScript AcquireScript(string key, string entryPoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(entryPoint);
        while (true)
        {
            var script = (StoredScript)(keyspace.GetOfType(key, KeyType.Script) ?? throw NotFound(key, "script")).Value;
            if (!script.TryAcquire())
            {
                continue; // replaced or deleted between the lookup and the acquire: look again
            }

            if (!script.IsEntryPoint(entryPoint))
            {
                script.Release();
                throw new AiArgumentException(
                    $"Function does not exist: {entryPoint} is not an entry point of script '{key}' (entry points: {string.Join(", ", script.Info.EntryPoints)})");
            }

            return script;
        }
    }

    /// <summary>The tensor under <paramref name="key"/>, which <paramref name="reader"/> reads.</summary>
    public AiTensor ReadTensor(string key, string reader)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return (AiTensor)(keyspace.GetOfType(key, KeyType.Tensor)
            ?? throw new AiKeyNotFoundException(key, $"key '{key}' does not exist: {reader} reads it as a tensor")).Value;
    }

    /// <summary>Throws WRONGTYPE when a key holds something other than a tensor (null entries are outputs nobody keeps).</summary>
    public void CheckWritable(IReadOnlyList<string?> keys)
    {
        for (int i = 0; i < keys.Count; i++)
        {
            if (keys[i] is { } key)
            {
                ArgumentException.ThrowIfNullOrEmpty(key);
                keyspace.EnsureWritable(key, KeyType.Tensor);
            }
        }
    }

    /// <summary>The error for a missing model, script or tensor key.</summary>
    public static AiKeyNotFoundException NotFound(string key, string kind) => new(key, $"key '{key}' does not exist (expected a {kind})");

    private ModelCall KeyedModelCall(StoredModel model, IReadOnlyList<string> inputKeys, IReadOnlyList<string?> outputKeys, bool dropsOutputs)
    {
        AiTensor[] inputs = ReadInputs(inputKeys, model);
        CheckWritable(outputKeys);
        InputValidator.Validate(model.Info, inputs, inputKeys);
        return new ModelCall(model, inputs, outputKeys) { DropsOutputs = dropsOutputs };
    }

    // Runs on every keyed call: the not-found message is built only on failure.
    private AiTensor[] ReadInputs(IReadOnlyList<string> inputKeys, SharedValue owner)
    {
        var inputs = new AiTensor[inputKeys.Count];
        for (int i = 0; i < inputs.Length; i++)
        {
            string key = inputKeys[i];
            ArgumentException.ThrowIfNullOrEmpty(key);
            inputs[i] = (AiTensor)(keyspace.GetOfType(key, KeyType.Tensor)
                ?? throw new AiKeyNotFoundException(key, $"key '{key}' does not exist: input {i} of {owner.Description} reads it as a tensor")).Value;
        }

        return inputs;
    }
}
