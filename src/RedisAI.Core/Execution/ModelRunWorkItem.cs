namespace RedisAI;

/// <summary>
/// One model execution: its inputs, where its outputs go, its deadline and its caller. Runs alone on a device
/// queue, or as a member of a batch formed by the model's <see cref="ModelBatcher"/>.
/// </summary>
internal sealed class ModelRunWorkItem : WorkItem
{
    private readonly AiStore _store;
    private readonly ExecutionDeadline _deadline;
    private readonly TaskCompletionSource<AiTensor[]> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _completed;

    public ModelRunWorkItem(AiStore store, StoredModel model, AiTensor[] inputs, IReadOnlyList<string>? outputKeys, ExecutionDeadline deadline, long enqueuedAt)
    {
        _store = store;
        Model = model;
        Inputs = inputs;
        OutputKeys = outputKeys;
        _deadline = deadline;
        EnqueuedAt = enqueuedAt;
    }

    public StoredModel Model { get; }

    public AiTensor[] Inputs { get; }

    public IReadOnlyList<string>? OutputKeys { get; }

    /// <summary>When the call was queued, as a <see cref="TimeProvider"/> timestamp (MINBATCHTIMEOUT counts from here).</summary>
    public long EnqueuedAt { get; }

    public Task<AiTensor[]> Task => _completion.Task;

    public override CancellationToken CancellationToken => _deadline.Token;

    public override void Execute()
    {
        AiTensor[] outputs;
        try
        {
            outputs = _store.RunAndPublish(Model, Inputs, OutputKeys, _deadline.Token);
        }
        catch (Exception ex)
        {
            Fail(ex);
            return;
        }

        Succeed(outputs);
    }

    /// <summary>Completes the caller with outputs (already published when the call is keyed).</summary>
    public void Succeed(AiTensor[] outputs)
    {
        if (Finish())
        {
            _completion.SetResult(outputs);
        }
    }

    public override void Fail(Exception exception)
    {
        if (Finish())
        {
            _completion.SetException(_deadline.Translate(exception, $"model '{Model.Key}'"));
        }
    }

    private bool Finish()
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        Model.Release();
        _deadline.Dispose();
        return true;
    }
}
