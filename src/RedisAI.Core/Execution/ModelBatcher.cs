namespace RedisAI;

/// <summary>
/// Autobatching for one stored model (RedisAI's BATCHSIZE / MINBATCHSIZE / MINBATCHTIMEOUT). Calls wait here;
/// a dispatch item on the model's device queue forms a batch from them and runs it on a worker.
/// </summary>
/// <remarks>
/// Semantics, as RedisAI with its pitfalls fixed: the oldest waiting call heads the batch; a call whose size
/// (dimension 0 of its first input; 0 if its inputs disagree) is 0 or at least BATCHSIZE runs alone; later calls
/// join in arrival order when their inputs match the head's in count, type and every dimension but the first,
/// and only while the batch stays within BATCHSIZE rows (RedisAI lets it overflow). A batch below MINBATCHSIZE
/// waits for more calls, or until MINBATCHTIMEOUT has passed since the head was queued. Waiting costs nothing:
/// no worker polls; a new call or a timer on the store's clock wakes the batcher.
/// </remarks>
internal sealed class ModelBatcher : IDisposable
{
    private readonly ExecutionEngine _engine;
    private readonly StoredModel _model;
    private readonly DeviceQueue _queue;
    private readonly TimeProvider _time;
    private readonly List<ExecutionWorkItem> _waiting = [];
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private bool _dispatchQueued;

    public ModelBatcher(ExecutionEngine engine, StoredModel model, DeviceQueue queue, TimeProvider time)
    {
        _engine = engine;
        _model = model;
        _queue = queue;
        _time = time;
        _timer = time.CreateTimer(static state => ((ModelBatcher)state!).RequestDispatch(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private ModelInfo Info => _model.Info;

    public void Add(ExecutionWorkItem call)
    {
        call.AbandonOnCancellation();
        lock (_lock)
        {
            _waiting.Add(call);
            _queue.AddWaiting(1);
            RequestDispatchLocked();
        }
    }

    /// <summary>Runs on a device worker: forms at most one batch and runs it there.</summary>
    public void Dispatch()
    {
        List<ExecutionWorkItem>? batch;
        lock (_lock)
        {
            _dispatchQueued = false;
            batch = TakeBatchLocked(out TimeSpan? retryIn);
            if (batch is not null && _waiting.Count > 0)
            {
                RequestDispatchLocked(); // more calls wait: let another worker form the next batch
            }
            else if (batch is null && retryIn is { } delay)
            {
                _timer.Change(delay, Timeout.InfiniteTimeSpan);
            }
        }

        if (batch is not null)
        {
            Run(batch);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void RequestDispatch()
    {
        lock (_lock)
        {
            RequestDispatchLocked();
        }
    }

    private void RequestDispatchLocked()
    {
        if (_dispatchQueued || _waiting.Count == 0)
        {
            return;
        }

        _dispatchQueued = true;
        _queue.EnqueueInternal(new BatchDispatch(this));
    }

    private List<ExecutionWorkItem>? TakeBatchLocked(out TimeSpan? retryIn)
    {
        retryIn = null;
        DropAbandonedLocked();
        if (_waiting.Count == 0)
        {
            return null;
        }

        ExecutionWorkItem head = _waiting[0];
        long headSize = Size(head);
        var members = new List<ExecutionWorkItem> { head };
        long total = headSize;
        if (headSize > 0 && headSize < Info.BatchSize)
        {
            for (int i = 1; i < _waiting.Count && total < Info.BatchSize; i++)
            {
                ExecutionWorkItem candidate = _waiting[i];
                long size = Size(candidate);
                if (size > 0 && total + size <= Info.BatchSize && Compatible(head, candidate))
                {
                    members.Add(candidate);
                    total += size;
                }
            }

            if (Info.MinBatchSize > 0 && total < Info.MinBatchSize)
            {
                TimeSpan waited = _time.GetElapsedTime(head.EnqueuedAt);
                if (Info.MinBatchTimeout <= TimeSpan.Zero)
                {
                    return null; // waits for more calls (or for the callers' own timeouts)
                }

                if (waited < Info.MinBatchTimeout)
                {
                    retryIn = Info.MinBatchTimeout - waited;
                    return null;
                }
            }
        }

        var started = new List<ExecutionWorkItem>(members.Count);
        foreach (var member in members)
        {
            _waiting.Remove(member);
            _queue.AddWaiting(-1);
            if (member.TryStart())
            {
                started.Add(member);
            }
        }

        return started.Count > 0 ? started : null;
    }

    private void DropAbandonedLocked()
    {
        for (int i = _waiting.Count - 1; i >= 0; i--)
        {
            if (_waiting[i].IsCompleted)
            {
                _waiting.RemoveAt(i);
                _queue.AddWaiting(-1);
            }
        }
    }

    private void Run(List<ExecutionWorkItem> members)
    {
        if (members.Count == 1)
        {
            members[0].Execute();
            return;
        }

        int inputCount = members[0].Call.Inputs.Length;
        var batchInputs = new AiTensor[inputCount];
        var parts = new AiTensor[members.Count];
        long total = 0;
        try
        {
            for (int i = 0; i < inputCount; i++)
            {
                for (int m = 0; m < members.Count; m++)
                {
                    parts[m] = members[m].Call.Inputs[i];
                }

                batchInputs[i] = AiTensor.ConcatenateRows(parts);
            }

            total = batchInputs[0].RowCount;
            var memberRows = new long[members.Count];
            for (int m = 0; m < memberRows.Length; m++)
            {
                memberRows[m] = Size(members[m]);
            }

            AiTensor[] outputs = _engine.RunBatch((ModelCall)members[0].Call, batchInputs, memberRows);
            Split(members, outputs, total);
        }
        catch (Exception ex)
        {
            foreach (var member in members)
            {
                member.Fail(ex);
            }
        }
    }

    private void Split(List<ExecutionWorkItem> members, AiTensor[] outputs, long total)
    {
        foreach (AiTensor output in outputs)
        {
            if (output.RowCount != total)
            {
                throw new AiBackendException(
                    AiErrorCode.ExecutionFailed,
                    $"Model did not generate the expected batch size: model '{_model.Key}' returned {output} for a batch of {total} rows");
            }
        }

        long start = 0;
        foreach (var member in members)
        {
            long rows = Size(member);
            var own = new AiTensor[outputs.Length];
            for (int o = 0; o < outputs.Length; o++)
            {
                own[o] = outputs[o].SliceRows(start, rows);
            }

            start += rows;
            try
            {
                // A member whose deadline passed while the batch ran gets its timeout, not late results.
                member.CancellationToken.ThrowIfCancellationRequested();
                _engine.Publish(member.Call, own);
                member.Succeed(own);
            }
            catch (Exception ex)
            {
                member.Fail(ex);
            }
        }
    }

    private static long Size(ExecutionWorkItem item) => ((ModelCall)item.Call).BatchRows;

    private static bool Compatible(ExecutionWorkItem head, ExecutionWorkItem candidate)
    {
        for (int i = 0; i < head.Call.Inputs.Length; i++)
        {
            AiTensor a = head.Call.Inputs[i], b = candidate.Call.Inputs[i];
            if (a.DataType != b.DataType || a.Shape.Rank != b.Shape.Rank || !a.Shape.Dimensions[1..].SequenceEqual(b.Shape.Dimensions[1..]))
            {
                return false;
            }
        }

        return true;
    }

    private sealed class BatchDispatch(ModelBatcher batcher) : WorkItem
    {
        public override CancellationToken CancellationToken => CancellationToken.None;

        public override bool IsExecution => false;

        public override void Execute() => batcher.Dispatch();

        public override void Fail(Exception exception)
        {
            // Only reached if the queue is disposed or a bug escapes Dispatch: fail the waiting calls rather than strand them.
            List<ExecutionWorkItem> stranded;
            lock (batcher._lock)
            {
                batcher._dispatchQueued = false;
                stranded = [.. batcher._waiting];
                batcher._queue.AddWaiting(-batcher._waiting.Count);
                batcher._waiting.Clear();
            }

            foreach (var call in stranded)
            {
                call.Fail(exception);
            }
        }
    }
}
