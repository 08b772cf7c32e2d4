namespace RedisAI;

/// <summary>
/// A model or script execution queued on its device. Holds one reference to the model or script and its deadline,
/// and completes its caller exactly once: with the outputs, or with the failure (a timeout becomes
/// <see cref="AiTimeoutException"/>); either way the reference and the deadline are released.
/// </summary>
internal abstract class ExecutionWorkItem(SharedValue target, ExecutionDeadline deadline) : WorkItem
{
    private readonly TaskCompletionSource<AiTensor[]> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _completed;

    public Task<AiTensor[]> Task => _completion.Task;

    public override CancellationToken CancellationToken => deadline.Token;

    public sealed override void Execute()
    {
        AiTensor[] outputs;
        try
        {
            outputs = Run(deadline.Token);
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

    public sealed override void Fail(Exception exception)
    {
        if (Finish())
        {
            _completion.SetException(deadline.Translate(exception, target.Description));
        }
    }

    /// <summary>Runs the execution on a worker and publishes keyed outputs.</summary>
    protected abstract AiTensor[] Run(CancellationToken cancellationToken);

    private bool Finish()
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        target.Release();
        deadline.Dispose();
        return true;
    }
}
