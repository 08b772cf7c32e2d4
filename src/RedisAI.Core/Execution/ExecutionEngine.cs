using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace RedisAI;

/// <summary>
/// Runs prepared calls: on the caller's thread in one of the device's slots, or through the device's run queue (or
/// the model's batcher); each run under its deadline, traced, counted in statistics and metrics, its errors named,
/// and its keyed outputs written all or none. Models and scripts take the same path.
/// </summary>
/// <remarks>
/// Every method that takes an <see cref="ExecutionCall"/> takes over the call's reference to its model or script:
/// it is released when the call completes, however it completes.
/// </remarks>
internal sealed class ExecutionEngine : IDisposable
{
    private readonly DeviceQueues _queues;
    private readonly Keyspace _keyspace;
    private readonly StoreMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _defaultTimeout;

    // Cancelled by Dispose: stops running and queued executions so shutdown never waits on a long model.
    private readonly CancellationTokenSource _shutdown = new();

    public ExecutionEngine(AiStoreOptions options, Keyspace keyspace, TimeProvider time, IMeterFactory? meterFactory, ILogger logger)
    {
        _queues = new DeviceQueues(options, logger);
        _keyspace = keyspace;
        _time = time;
        _defaultTimeout = options.DefaultExecutionTimeout;
        _metrics = new StoreMetrics(meterFactory, QueueLengthMeasurements);
    }

    public DeviceQueue GetQueue(Device device) => _queues.GetQueue(device);

    public IReadOnlyDictionary<string, int> GetQueueLengths() => _queues.GetQueueLengths();

    /// <summary>Starts the deadline of one execution or DAG: its timeout (the store's default when null), the caller's token and shutdown.</summary>
    public ExecutionDeadline StartDeadline(TimeSpan? timeout, CancellationToken cancellationToken) =>
        ExecutionDeadline.Start(timeout ?? _defaultTimeout, _time, _shutdown.Token, cancellationToken);

    /// <summary>Gives a model with BATCHSIZE its batcher, on the model's device queue.</summary>
    public ModelBatcher CreateBatcher(StoredModel model) => new(this, model, GetQueue(model.Info.Device), _time);

    /// <summary>
    /// Runs a call on the caller's thread, in one of its device's slots; a batched model's call waits for the batch it
    /// joins, which a device worker runs.
    /// </summary>
    public AiTensor[] Execute(ExecutionCall call, TimeSpan? timeout)
    {
        if (call is ModelCall { Model.Batcher: { } batcher } modelCall)
        {
            var item = new ExecutionWorkItem(this, modelCall, StartDeadlineFor(call, timeout, CancellationToken.None), _time.GetTimestamp(), waitsSynchronously: true);
            batcher.Add(item);
            return item.WaitForOutputs();
        }

        try
        {
            DeviceQueue queue = GetQueue(call.Device);
            using var deadline = StartDeadline(timeout, CancellationToken.None);
            queue.EnterSlot();
            try
            {
                return RunAndPublish(call, deadline.Token);
            }
            catch (OperationCanceledException ex)
            {
                throw deadline.Translate(ex, call.Target.Description);
            }
            finally
            {
                queue.ExitSlot();
            }
        }
        finally
        {
            call.Target.Release();
        }
    }

    /// <summary>Queues a call on its device (or its model's batcher).</summary>
    public Task<AiTensor[]> SubmitAsync(ExecutionCall call, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var item = new ExecutionWorkItem(this, call, StartDeadlineFor(call, timeout, cancellationToken), _time.GetTimestamp(), waitsSynchronously: false);
        if (call is ModelCall { Model.Batcher: { } batcher })
        {
            batcher.Add(item);
            return item.Task;
        }

        return EnqueueAsync(item, call.Device);
    }

    /// <summary>Runs a call on the current thread (which holds a device slot) and writes its keyed outputs.</summary>
    public AiTensor[] RunAndPublish(ExecutionCall call, CancellationToken cancellationToken)
    {
        AiTensor[] outputs = Run(call, [], cancellationToken);
        call.CheckOutputs(outputs);
        Publish(call, outputs);
        return outputs;
    }

    /// <summary>Runs a batch a <see cref="ModelBatcher"/> formed; each member's statistics get the batch's time.</summary>
    public AiTensor[] RunBatch(ModelCall head, AiTensor[] inputs, ReadOnlySpan<long> memberRows)
    {
        _metrics.RecordBatch(inputs[0].RowCount);
        return Run(new ModelCall(head.Model, inputs, null), memberRows, CancellationToken.None);
    }

    /// <summary>Writes a keyed call's outputs all or none (outputs without a key are dropped); does nothing for a direct call.</summary>
    public void Publish(ExecutionCall call, AiTensor[] outputs)
    {
        IReadOnlyList<string?>? outputKeys = call.OutputKeys;
        if (outputKeys is null || outputKeys.Count == 0)
        {
            return;
        }

        if (!call.DropsOutputs)
        {
            // The common case: one key per output, as the caller listed them.
            if (outputKeys is not string[] keys)
            {
                keys = new string[outputKeys.Count];
                for (int i = 0; i < keys.Length; i++)
                {
                    keys[i] = outputKeys[i]!;
                }
            }

            _keyspace.SetMany(keys, outputs, KeyExpiry.None);
            return;
        }

        var keptKeys = new List<string>(outputKeys.Count);
        var keptOutputs = new List<AiTensor>(outputKeys.Count);
        for (int i = 0; i < outputKeys.Count; i++)
        {
            if (outputKeys[i] is { } key)
            {
                keptKeys.Add(key);
                keptOutputs.Add(outputs[i]);
            }
        }

        _keyspace.SetMany([.. keptKeys], [.. keptOutputs], KeyExpiry.None);
    }

    /// <summary>Cancels queued and running executions and stops the queues.</summary>
    public void Dispose()
    {
        _shutdown.Cancel();
        _queues.Dispose();
        _metrics.Dispose();
        _shutdown.Dispose();
    }

    // memberRows: one entry per batch member (empty for a call run alone).
    private AiTensor[] Run(ExecutionCall call, ReadOnlySpan<long> memberRows, CancellationToken cancellationToken)
    {
        using Activity? activity = AiStoreTelemetry.ActivitySource.StartActivity(call.ActivityName);
        if (activity is not null)
        {
            activity.SetTag("redisai.key", call.Key);
            activity.SetTag("redisai.backend", call.Backend);
            activity.SetTag("redisai.device", call.Device.ToString());
            call.Tag(activity);
            if (!memberRows.IsEmpty)
            {
                activity.SetTag("redisai.batch.members", memberRows.Length);
            }
        }

        long started = _time.GetTimestamp();
        AiTensor[] outputs;
        try
        {
            outputs = call.Invoke(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled");
            throw;
        }
        catch (Exception ex)
        {
            TimeSpan failed = _time.GetElapsedTime(started);
            for (int i = Math.Max(memberRows.Length, 1); i > 0; i--)
            {
                call.Statistics.RecordError(failed);
            }

            _metrics.RecordExecution(call.Key, call.Kind, call.Backend, call.Device, failed, ex);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw call.DescribeFailure(ex);
        }

        TimeSpan elapsed = _time.GetElapsedTime(started);
        if (memberRows.IsEmpty)
        {
            call.Statistics.RecordSuccess(elapsed, call.CountSamples(outputs));
        }
        else
        {
            foreach (long rows in memberRows)
            {
                call.Statistics.RecordSuccess(elapsed, rows);
            }
        }

        _metrics.RecordExecution(call.Key, call.Kind, call.Backend, call.Device, elapsed, null);
        return outputs;
    }

    /// <summary>Starts a call's deadline; on an invalid timeout, releases the call's reference before throwing.</summary>
    private ExecutionDeadline StartDeadlineFor(ExecutionCall call, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        try
        {
            return StartDeadline(timeout, cancellationToken);
        }
        catch
        {
            call.Target.Release();
            throw;
        }
    }

    private async Task<AiTensor[]> EnqueueAsync(ExecutionWorkItem item, Device device)
    {
        try
        {
            await GetQueue(device).EnqueueAsync(item, item.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            item.Fail(ex);
        }

        return await item.Task.ConfigureAwait(false);
    }

    private IEnumerable<Measurement<int>> QueueLengthMeasurements()
    {
        foreach (var (device, length) in _queues.GetQueueLengths())
        {
            yield return new Measurement<int>(length, new KeyValuePair<string, object?>("redisai.device", device));
        }
    }
}
