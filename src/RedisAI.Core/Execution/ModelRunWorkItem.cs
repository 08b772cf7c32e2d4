namespace RedisAI;

/// <summary>A model execution queued on its device: runs, publishes keyed outputs, completes the caller.</summary>
internal sealed class ModelRunWorkItem : WorkItem
{
    private readonly AiStore _store;
    private readonly StoredModel _model;
    private readonly AiTensor[] _inputs;
    private readonly IReadOnlyList<string>? _outputKeys;
    private readonly ExecutionDeadline _deadline;
    private readonly TaskCompletionSource<AiTensor[]> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _completed;

    public ModelRunWorkItem(AiStore store, StoredModel model, AiTensor[] inputs, IReadOnlyList<string>? outputKeys, ExecutionDeadline deadline)
    {
        _store = store;
        _model = model;
        _inputs = inputs;
        _outputKeys = outputKeys;
        _deadline = deadline;
    }

    public Task<AiTensor[]> Task => _completion.Task;

    public override CancellationToken CancellationToken => _deadline.Token;

    public override void Execute()
    {
        AiTensor[] outputs;
        try
        {
            outputs = _store.RunAndPublish(_model, _inputs, _outputKeys, _deadline.Token);
        }
        catch (Exception ex)
        {
            Fail(ex);
            return;
        }

        if (Finish())
        {
            _completion.SetResult(outputs);
        }
    }

    public override void Fail(Exception exception)
    {
        if (Finish())
        {
            _completion.SetException(_deadline.Translate(exception, $"model '{_model.Key}'"));
        }
    }

    private bool Finish()
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _model.Release();
        _deadline.Dispose();
        return true;
    }
}
