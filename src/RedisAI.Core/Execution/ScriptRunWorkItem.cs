namespace RedisAI;

/// <summary>A script execution queued on its device: runs, publishes keyed outputs, completes the caller.</summary>
internal sealed class ScriptRunWorkItem(AiStore store, ScriptCall call, ExecutionDeadline deadline) : WorkItem
{
    private readonly TaskCompletionSource<AiTensor[]> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _completed;

    public Task<AiTensor[]> Task => _completion.Task;

    public ScriptCall Call => call;

    public override CancellationToken CancellationToken => deadline.Token;

    public override void Execute()
    {
        AiTensor[] outputs;
        try
        {
            outputs = store.RunScriptAndPublish(call, deadline.Token);
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
            _completion.SetException(deadline.Translate(exception, $"script '{call.Script.Key}'"));
        }
    }

    private bool Finish()
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        call.Script.Release();
        deadline.Dispose();
        return true;
    }
}
