namespace RedisAI;

/// <summary>
/// Binds values to a model's inputs or outputs by name: turns a name-keyed map into the model's positional order, so
/// callers need not know the order a model (or a release of it) declares.
/// </summary>
internal static class ModelBinding
{
    /// <summary>
    /// The values of <paramref name="byName"/> in the order of <paramref name="declared"/>. Every name must be one the
    /// model declares; when <paramref name="requireAll"/>, every declared name must be given (inputs), otherwise the
    /// positions not given are left default (outputs nobody asked for).
    /// </summary>
    public static T?[] ToPositions<T>(ModelInfo model, IReadOnlyList<TensorInfo> declared, IReadOnlyDictionary<string, T> byName, bool requireAll, string kind)
    {
        ArgumentNullException.ThrowIfNull(byName);
        CheckNamesBindable(model, declared, kind);
        var values = new T?[declared.Count];
        foreach (var (name, value) in byName)
        {
            int position = IndexOf(declared, name);
            if (position < 0)
            {
                throw new AiArgumentException($"model '{model.Key}' has no {kind} named '{name}'; its {kind}s are {Names(declared)}");
            }

            values[position] = value;
        }

        if (requireAll && byName.Count != declared.Count)
        {
            foreach (TensorInfo info in declared)
            {
                if (!byName.ContainsKey(info.Name))
                {
                    throw new AiArgumentException($"{kind} '{info.Name}' of model '{model.Key}' is not bound; its {kind}s are {Names(declared)}");
                }
            }
        }

        return values;
    }

    /// <summary>Outputs by name, for a direct call by name.</summary>
    public static Dictionary<string, AiTensor> ToNames(ModelInfo model, AiTensor[] outputs)
    {
        CheckNamesBindable(model, model.Outputs, "output");
        var byName = new Dictionary<string, AiTensor>(outputs.Length, StringComparer.Ordinal);
        for (int i = 0; i < outputs.Length; i++)
        {
            byName[model.Outputs[i].Name] = outputs[i];
        }

        return byName;
    }

    private static void CheckNamesBindable(ModelInfo model, IReadOnlyList<TensorInfo> declared, string kind)
    {
        for (int i = 0; i < declared.Count; i++)
        {
            string name = declared[i].Name;
            if (string.IsNullOrEmpty(name) || IndexOf(declared, name) != i)
            {
                throw new AiArgumentException(
                    $"the {kind}s of model '{model.Key}' cannot be bound by name: {kind} {i} is {(string.IsNullOrEmpty(name) ? "unnamed" : $"named '{name}' twice")}; bind them by position");
            }
        }
    }

    private static int IndexOf(IReadOnlyList<TensorInfo> declared, string name)
    {
        for (int i = 0; i < declared.Count; i++)
        {
            if (string.Equals(declared[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Names(IReadOnlyList<TensorInfo> declared)
    {
        var names = new string[declared.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = $"'{declared[i].Name}'";
        }

        return string.Join(", ", names);
    }
}
