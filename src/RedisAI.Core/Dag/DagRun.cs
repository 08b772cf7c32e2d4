namespace RedisAI;

/// <summary>
/// One execution of a <see cref="DagPlan"/>: a task per operation that waits only for the operations producing its
/// inputs, then runs on its device's queue. The first failure cancels everything still waiting or queued.
/// </summary>
internal sealed class DagRun(ExecutionEngine engine, IAiStore scriptHost, DagPlan plan, CancellationTokenSource abort)
{
    private Task<AiTensor[]>[] _tasks = [];
    private int _firstFailure = -1;
    private Exception? _failure;

    public int FirstFailure => Volatile.Read(ref _firstFailure);

    public Task<AiTensor[]>[] Start()
    {
        _tasks = new Task<AiTensor[]>[plan.Operations.Count];
        for (int i = 0; i < _tasks.Length; i++)
        {
            _tasks[i] = RunAsync(i);
        }

        return _tasks;
    }

    /// <summary>The error the DAG reports: the first failing operation's, else its timeout or cancellation.</summary>
    public Exception Failure(ExecutionDeadline deadline)
    {
        int index = FirstFailure;
        if (index < 0)
        {
            return deadline.Translate(new OperationCanceledException(deadline.Token), "the DAG");
        }

        DagOperation op = plan.Operations[index];
        AiStoreException cause = _failure as AiStoreException
            ?? new AiStoreException(AiErrorCode.ExecutionFailed, _failure!.Message, _failure);
        return new AiDagException(index, op.Kind, $"{op.Describe(index)} failed: {cause.Message}", cause);
    }

    private async Task<AiTensor[]> RunAsync(int index)
    {
        DagOperation op = plan.Operations[index];
        try
        {
            AiTensor[] inputs = await GatherInputsAsync(index).ConfigureAwait(false);
            abort.Token.ThrowIfCancellationRequested();
            return op.Kind switch
            {
                DagOperationKind.SetTensor => [op.Tensor!],
                DagOperationKind.GetTensor => inputs,
                DagOperationKind.ExecuteModel => await RunModelAsync(index, inputs).ConfigureAwait(false),
                _ => await RunScriptAsync(index, inputs).ConfigureAwait(false),
            };
        }
        catch (Exception ex)
        {
            // Operations stopped because another failed are not failures themselves.
            if (ex is not OperationCanceledException || !abort.IsCancellationRequested)
            {
                if (Interlocked.CompareExchange(ref _firstFailure, index, -1) == -1)
                {
                    _failure = ex;
                }

                await abort.CancelAsync().ConfigureAwait(false);
            }

            throw;
        }
        finally
        {
            plan.Release(index); // a no-op once a model or script run took the reference over
        }
    }

    private Task<AiTensor[]> RunModelAsync(int index, AiTensor[] inputs)
    {
        StoredModel model = Interlocked.Exchange(ref plan.Models[index], null)!;
        try
        {
            InputValidator.Validate(model.Info, inputs, plan.InputNames[index]);
        }
        catch
        {
            model.Release();
            throw;
        }

        return engine.SubmitAsync(new ModelCall(model, inputs, null), null, abort.Token);
    }

    private async Task<AiTensor[]> RunScriptAsync(int index, AiTensor[] inputs)
    {
        DagOperation op = plan.Operations[index];
        StoredScript script = Interlocked.Exchange(ref plan.Scripts[index], null)!;
        var call = new ScriptCall(script, op.Function!, inputs, op.ScriptKeys!, op.Args!, null, scriptHost);
        AiTensor[] outputs = await engine.SubmitAsync(call, null, abort.Token).ConfigureAwait(false);
        if (outputs.Length != op.Outputs.Count)
        {
            throw new AiBackendException(
                AiErrorCode.ExecutionFailed,
                $"Function returned unexpected number of outputs - {op.Function}: script '{op.Key}' returned {outputs.Length}, the DAG names {op.Outputs.Count}");
        }

        return outputs;
    }

    private async Task<AiTensor[]> GatherInputsAsync(int index)
    {
        DagValue[] values = plan.Inputs[index];
        var inputs = new AiTensor[values.Length];
        for (int j = 0; j < values.Length; j++)
        {
            DagValue value = values[j];
            if (value.Tensor is null)
            {
                try
                {
                    await _tasks[value.Producer].ConfigureAwait(false);
                }
                catch (Exception) when (abort.IsCancellationRequested)
                {
                    throw new OperationCanceledException(abort.Token); // the producer failed: the DAG is stopping
                }
            }

            inputs[j] = value.Resolve(_tasks);
        }

        return inputs;
    }
}
