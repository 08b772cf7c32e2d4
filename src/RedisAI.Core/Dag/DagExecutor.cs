namespace RedisAI;

/// <summary>
/// Runs DAGs: plans one (nothing runs if it is invalid), runs its operations on the engine under one deadline, and
/// writes the persisted tensors all together, only if every operation succeeded.
/// </summary>
internal sealed class DagExecutor(Keyspace keyspace, CallResolver resolver, ExecutionEngine engine)
{
    public async Task<DagResult> ExecuteAsync(DagBuilder dag, CancellationToken cancellationToken)
    {
        DagPlan plan = DagPlanner.Plan(dag, resolver);
        ExecutionDeadline deadline;
        try
        {
            deadline = engine.StartDeadline(dag.Timeout, cancellationToken);
        }
        catch
        {
            plan.ReleaseAll();
            throw;
        }

        using (deadline)
        using (var abort = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token))
        {
            var run = new DagRun(engine, resolver.ScriptHost, plan, abort);
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

            keyspace.SetMany(keys, tensors, expiries);
        }

        var names = new List<string>();
        var results = new List<AiTensor>();
        for (int i = 0; i < plan.Operations.Count; i++)
        {
            if (plan.Operations[i].Kind == DagOperationKind.GetTensor)
            {
                names.Add(plan.Operations[i].Inputs[0]);
                results.Add(tasks[i].Result[0]);
            }
        }

        return new DagResult(names, results);
    }
}
