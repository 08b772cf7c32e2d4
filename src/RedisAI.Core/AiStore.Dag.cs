namespace RedisAI;

public sealed partial class AiStore
{
    /// <summary>Starts building a DAG that may persist its results (RedisAI's AI.DAGEXECUTE).</summary>
    public DagBuilder CreateDag() => new(this, readOnly: false);

    /// <summary>Starts building a read-only DAG: it cannot persist or run scripts (AI.DAGEXECUTE_RO).</summary>
    public DagBuilder CreateReadOnlyDag() => new(this, readOnly: true);

    internal async Task<DagResult> ExecuteDagAsync(DagBuilder dag, CancellationToken cancellationToken)
    {
        DagPlan plan = PlanDag(dag);
        ExecutionDeadline deadline;
        try
        {
            deadline = StartDeadline(dag.Timeout, cancellationToken);
        }
        catch
        {
            plan.ReleaseAll();
            throw;
        }

        using (deadline)
        using (var abort = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token))
        {
            var run = new DagRun(this, plan, abort);
            Task<AiTensor[]>[] tasks = run.Start();
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch (Exception) when (run.FirstFailure >= 0 || deadline.Token.IsCancellationRequested)
            {
                throw run.Failure(deadline);
            }

            return Complete(plan, tasks);
        }
    }

    private DagResult Complete(DagPlan plan, Task<AiTensor[]>[] tasks)
    {
        if (plan.Persists.Length > 0)
        {
            var keys = new string[plan.Persists.Length];
            var tensors = new AiTensor[keys.Length];
            var expiries = new KeyExpiry[keys.Length];
            for (int i = 0; i < keys.Length; i++)
            {
                (keys[i], DagValue value, expiries[i]) = plan.Persists[i];
                tensors[i] = value.Resolve(tasks);
            }

            _keyspace.SetMany(keys, tensors, expiries);
        }

        var results = new List<AiTensor>();
        for (int i = 0; i < plan.Operations.Count; i++)
        {
            if (plan.Operations[i].Kind == DagOperationKind.GetTensor)
            {
                results.Add(tasks[i].Result[0]);
            }
        }

        return new DagResult(results);
    }

    /// <summary>Checks the whole DAG before anything runs and resolves every name to the value it will read.</summary>
    private DagPlan PlanDag(DagBuilder dag)
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
                var tensor = (AiTensor)(_keyspace.GetOfType(CheckKey(key), KeyType.Tensor)
                    ?? throw new AiKeyNotFoundException(key, $"tensor key is empty: the DAG loads '{key}', which does not exist")).Value;
                current[key] = DagValue.Loaded(tensor);
            }

            for (int i = 0; i < operations.Count; i++)
            {
                PlanOperation(dag, plan, i, current);
            }

            PlanPersists(dag, plan, current);
            return plan;
        }
        catch
        {
            plan.ReleaseAll();
            throw;
        }
    }

    private void PlanOperation(DagBuilder dag, DagPlan plan, int index, Dictionary<string, DagValue> current)
    {
        DagOperation op = plan.Operations[index];
        var inputs = new DagValue[op.Inputs.Count];
        for (int j = 0; j < inputs.Length; j++)
        {
            if (!current.TryGetValue(op.Inputs[j], out inputs[j]))
            {
                throw new AiArgumentException(
                    $"INPUT key cannot be found in DAG: {op.Describe(index)} reads '{op.Inputs[j]}', which no LOAD brings in and no earlier operation produces");
            }
        }

        plan.Inputs[index] = inputs;
        try
        {
            switch (op.Kind)
            {
                case DagOperationKind.ExecuteModel:
                    StoredModel model = AcquireModel(CheckKey(op.Key!));
                    plan.Models[index] = model;
                    InputValidator.ValidateCounts(model.Info, op.Inputs.Count, op.Outputs.Count);
                    break;
                case DagOperationKind.ExecuteScript:
                    if (dag.IsReadOnly)
                    {
                        throw new AiArgumentException("AI.SCRIPTEXECUTE command cannot be specified in a read-only DAG");
                    }

                    plan.Scripts[index] = AcquireScript(CheckKey(op.Key!), op.Function!);
                    break;
            }
        }
        catch (AiStoreException ex)
        {
            throw new AiDagException(index, op.Kind, $"{op.Describe(index)} is invalid: {ex.Message}", ex);
        }

        for (int j = 0; j < op.Outputs.Count; j++)
        {
            current[op.Outputs[j]] = DagValue.Produced(index, j);
        }
    }

    private void PlanPersists(DagBuilder dag, DagPlan plan, Dictionary<string, DagValue> current)
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

            _keyspace.EnsureWritable(key, KeyType.Tensor);
            plan.Persists[i] = (key, value, expiry);
        }
    }

    internal Task<AiTensor[]> RunDagModelAsync(DagPlan plan, int index, AiTensor[] inputs, CancellationToken cancellationToken)
    {
        StoredModel model = Interlocked.Exchange(ref plan.Models[index], null)!;
        try
        {
            InputValidator.Validate(model.Info, inputs, plan.Operations[index].Inputs);
        }
        catch
        {
            model.Release();
            throw;
        }

        return Submit(model, inputs, null, null, cancellationToken);
    }

    internal async Task<AiTensor[]> RunDagScriptAsync(DagPlan plan, int index, AiTensor[] inputs, CancellationToken cancellationToken)
    {
        DagOperation op = plan.Operations[index];
        StoredScript script = Interlocked.Exchange(ref plan.Scripts[index], null)!;
        var call = new ScriptCall(script, op.Function!, inputs, op.ScriptKeys!, op.Args!, null);
        AiTensor[] outputs = await SubmitScript(call, null, cancellationToken).ConfigureAwait(false);
        if (outputs.Length != op.Outputs.Count)
        {
            throw new AiBackendException(
                AiErrorCode.ExecutionFailed,
                $"Function returned unexpected number of outputs - {op.Function}: script '{op.Key}' returned {outputs.Length}, the DAG names {op.Outputs.Count}");
        }

        return outputs;
    }
}
