namespace RedisAI;

/// <summary>Checks inputs against what a model declares, before anything is queued or run.</summary>
internal static class InputValidator
{
    public static void Validate(ModelInfo model, ReadOnlySpan<AiTensor> inputs, IReadOnlyList<string>? inputKeys)
    {
        IReadOnlyList<TensorInfo> declared = model.Inputs;
        if (inputs.Length != declared.Count)
        {
            throw new AiArgumentException(
                $"Number of inputs given here does not match model definition: model '{model.Key}' takes {declared.Count} ({Names(declared)}), {inputs.Length} given");
        }

        for (int i = 0; i < inputs.Length; i++)
        {
            AiTensor tensor = inputs[i] ?? throw new AiArgumentException($"input {i} ('{declared[i].Name}') of model '{model.Key}' is null");
            TensorInfo info = declared[i];
            if (info.DataType is { } expected && expected != tensor.DataType)
            {
                throw new AiArgumentException(
                    $"{Describe(model, i, info, inputKeys)} has type {DataTypes.GetName(tensor.DataType)}, the model expects {DataTypes.GetName(expected)}");
            }

            if (info.Dimensions is { } dims && !ShapeMatches(dims, tensor.Shape))
            {
                string anyNote = HasAnyDimension(dims) ? " (-1 = any)" : string.Empty;
                throw new AiArgumentException(
                    $"{Describe(model, i, info, inputKeys)} has shape {tensor.Shape}, the model expects {TensorShape.Format([.. dims])}{anyNote}");
            }
        }
    }

    public static void ValidateCounts(ModelInfo model, int inputCount, int outputCount)
    {
        if (inputCount != model.Inputs.Count)
        {
            throw new AiArgumentException(
                $"Number of keys given as INPUTS here does not match model definition: model '{model.Key}' takes {model.Inputs.Count} ({Names(model.Inputs)}), {inputCount} given");
        }

        if (outputCount != model.Outputs.Count)
        {
            throw new AiArgumentException(
                $"Number of keys given as OUTPUTS here does not match model definition: model '{model.Key}' returns {model.Outputs.Count} ({Names(model.Outputs)}), {outputCount} given");
        }
    }

    private static bool ShapeMatches(IReadOnlyList<long> declared, TensorShape actual)
    {
        if (declared.Count != actual.Rank)
        {
            return false;
        }

        for (int d = 0; d < declared.Count; d++)
        {
            if (declared[d] >= 0 && declared[d] != actual[d])
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasAnyDimension(IReadOnlyList<long> declared)
    {
        for (int d = 0; d < declared.Count; d++)
        {
            if (declared[d] < 0)
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(ModelInfo model, int index, TensorInfo info, IReadOnlyList<string>? keys) =>
        keys is null
            ? $"input {index} ('{info.Name}') of model '{model.Key}'"
            : $"input {index} ('{info.Name}') of model '{model.Key}', tensor key '{keys[index]}',";

    private static string Names(IReadOnlyList<TensorInfo> infos)
    {
        var names = new string[infos.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = infos[i].Name;
        }

        return string.Join(", ", names);
    }
}
