using System.Runtime.ExceptionServices;

namespace RedisAI;

/// <summary>
/// A model or script call queued on its device or waiting in its model's batcher. Holds the call's reference to its
/// model or script and its deadline, and completes its caller exactly once: with the outputs, or with the failure (a
/// timeout becomes <see cref="AiTimeoutException"/>); either way the reference and the deadline are released.
/// </summary>
/// <remarks>
/// An asynchronous caller awaits <see cref="Task"/>. A synchronous caller (a keyed or direct call to a batched model)
/// blocks in <see cref="WaitForOutputs"/> until the completing worker signals it: it waits on the device worker
/// itself, never on work that needs the thread pool.
/// </remarks>
internal sealed class ExecutionWorkItem : WorkItem
{
    private readonly ExecutionEngine _engine;
    private readonly ExecutionCall _call;
    private readonly ExecutionDeadline _deadline;
    private readonly TaskCompletionSource<AiTensor[]>? _completion;
    private readonly object? _synchronousWaiter;
    private bool _signalled;
    private AiTensor[]? _outputs;
    private Exception? _failure;
    private int _finished;

    public ExecutionWorkItem(ExecutionEngine engine, ExecutionCall call, ExecutionDeadline deadline, long enqueuedAt, bool waitsSynchronously)
    {
        _engine = engine;
        _call = call;
        _deadline = deadline;
        EnqueuedAt = enqueuedAt;
        if (waitsSynchronously)
        {
            _synchronousWaiter = new object();
        }
        else
        {
            _completion = new TaskCompletionSource<AiTensor[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public ExecutionCall Call => _call;

    /// <summary>When the call was queued, as a <see cref="TimeProvider"/> timestamp (MINBATCHTIMEOUT counts from here).</summary>
    public long EnqueuedAt { get; }

    /// <summary>The outcome, for an asynchronous caller.</summary>
    public Task<AiTensor[]> Task => _completion!.Task;

    /// <summary>Whether the caller has been completed.</summary>
    public bool IsCompleted => Volatile.Read(ref _finished) != 0;

    public override CancellationToken CancellationToken => _deadline.Token;

    /// <summary>Blocks a synchronous caller until the item completes; returns the outputs or throws the failure.</summary>
    public AiTensor[] WaitForOutputs()
    {
        lock (_synchronousWaiter!)
        {
            while (!_signalled)
            {
                Monitor.Wait(_synchronousWaiter);
            }
        }

        if (_failure is not null)
        {
            ExceptionDispatchInfo.Throw(_failure);
        }

        return _outputs!;
    }

    public override void Execute()
    {
        AiTensor[] outputs;
        try
        {
            outputs = _engine.RunAndPublish(_call, _deadline.Token);
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
        if (!Finish())
        {
            return;
        }

        if (_completion is not null)
        {
            _completion.SetResult(outputs);
        }
        else
        {
            _outputs = outputs;
            Signal();
        }
    }

    public override void Fail(Exception exception)
    {
        if (!Finish())
        {
            return;
        }

        Exception failure = _deadline.Translate(exception, _call.Target.Description);
        if (_completion is not null)
        {
            _completion.SetException(failure);
        }
        else
        {
            _failure = failure;
            Signal();
        }
    }

    private void Signal()
    {
        lock (_synchronousWaiter!)
        {
            _signalled = true;
            Monitor.PulseAll(_synchronousWaiter);
        }
    }

    private bool Finish()
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return false;
        }

        _call.Target.Release();
        _deadline.Dispose();
        return true;
    }
}
