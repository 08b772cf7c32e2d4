namespace RedisAI;

/// <summary>
/// Checks a whole DAG before anything runs: every name it reads resolves to a loaded tensor or an earlier operation's
/// output, every model and script exists (and is held from now on), every key it persists can be written.
/// </summary>
internal static class DagPlanner
{
    /// <summary>The validated plan; on failure nothing is held.</summary>
    public static DagPlan Plan(DagBuilder dag, CallResolver resolver)
    {
        IReadOnlyList<DagOperation> operations = dag.Operations;
        if (operations.Count == 0)
        {
            throw new AiArgumentException("DAG is empty: add at least one operation");
        }

        if (dag.IsReadOnly && dag.Persists.Count > 0)
        {
            throw new AiArgumentException("PERSIST cannot be specified in a read-only DAG");
        }

        var plan = new DagPlan(operations);
        try
        {
            var current = new Dictionary<string, DagValue>(StringComparer.Ordinal);
            foreach (string key in dag.Loads)
            {
                current[key] = DagValue.Loaded(resolver.ReadTensor(key, "the DAG's LOAD"));
            }

            for (int i = 0; i < operations.Count; i++)
            {
                PlanOperation(dag, plan, i, current, resolver);
            }

            PlanPersists(dag, plan, current, resolver);
            return plan;
        }
        catch
        {
            plan.ReleaseAll();
            throw;
        }
    }

    private static void PlanOperation(DagBuilder dag, DagPlan plan, int index, Dictionary<string, DagValue> current, CallResolver resolver)
    {
        DagOperation op = plan.Operations[index];
        string[] inputNames = [.. op.Inputs];
        string?[] outputNames = [.. op.Outputs];
        try
        {
            switch (op.Kind)
            {
                case DagOperationKind.ExecuteModel:
                    StoredModel model = resolver.AcquireModel(op.Key!);
                    plan.Models[index] = model;
                    if (op.InputsByName is { } inputsByName)
                    {
                        inputNames = ModelBinding.ToPositions(model.Info, model.Info.Inputs, inputsByName, requireAll: true, "input")!;
                        outputNames = ModelBinding.ToPositions(model.Info, model.Info.Outputs, op.OutputsByName!, requireAll: false, "output");
                    }
                    else
                    {
                        InputValidator.ValidateCounts(model.Info, inputNames.Length, outputNames.Length);
                    }

                    break;
                case DagOperationKind.ExecuteScript:
                    if (dag.IsReadOnly)
                    {
                        throw new AiArgumentException("AI.SCRIPTEXECUTE command cannot be specified in a read-only DAG");
                    }

                    plan.Scripts[index] = resolver.AcquireScript(op.Key!, op.Function!);
                    break;
            }
        }
        catch (AiStoreException ex)
        {
            throw new AiDagException(index, op.Kind, $"{op.Describe(index)} is invalid: {ex.Message}", ex);
        }

        var inputs = new DagValue[inputNames.Length];
        for (int j = 0; j < inputs.Length; j++)
        {
            if (!current.TryGetValue(inputNames[j], out inputs[j]))
            {
                throw new AiArgumentException(
                    $"INPUT key cannot be found in DAG: {op.Describe(index)} reads '{inputNames[j]}', which no LOAD brings in and no earlier operation produces");
            }
        }

        plan.Inputs[index] = inputs;
        plan.InputNames[index] = inputNames;
        plan.OutputNames[index] = outputNames;
        for (int j = 0; j < outputNames.Length; j++)
        {
            if (outputNames[j] is { } name)
            {
                current[name] = DagValue.Produced(index, j);
            }
        }
    }

    private static void PlanPersists(DagBuilder dag, DagPlan plan, Dictionary<string, DagValue> current, CallResolver resolver)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        plan.SetPersistCount(dag.Persists.Count);
        for (int i = 0; i < dag.Persists.Count; i++)
        {
            (string key, KeyExpiry expiry) = dag.Persists[i];
            if (!seen.Add(key))
            {
                throw new AiArgumentException($"PERSIST keys must be unique: '{key}' is listed twice");
            }

            if (!current.TryGetValue(key, out DagValue value))
            {
                throw new AiArgumentException($"PERSIST key cannot be found in DAG: '{key}' is neither loaded nor produced by any operation");
            }

            resolver.CheckWritable([key]);
            plan.Persists[i] = (key, value, expiry);
        }
    }
}
