using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace RedisAI;

/// <summary>
/// The run queue of one device (<c>CPU</c>, <c>GPU:0</c>, ...): a bounded FIFO served by dedicated worker
/// threads, so running models never occupy the caller's threads or the thread pool.
/// </summary>
internal sealed partial class DeviceQueue : IDisposable
{
    private readonly Channel<WorkItem> _channel;
    private readonly Thread[] _workers;

    // One slot per worker: callers that run inline (synchronous executions) take a slot too, so a device never
    // runs more executions at once than its configured threads.
    private readonly SemaphoreSlim _slots;

    // Slots this thread holds on this device. An execution nested in one the thread is already running here (a
    // script calling a model on its own device, like RedisAI's redisAI.model_execute) runs in that slot: waiting
    // for a second one would deadlock a device whose slots are all taken by such callers.
    private readonly ThreadLocal<int> _slotsHeldByThread = new();
    private readonly QueueFullBehavior _fullBehavior;
    private readonly ILogger _logger;
    private int _pending;

    public DeviceQueue(string name, AiStoreOptions options, ILogger logger)
    {
        Name = name;
        _fullBehavior = options.QueueFullBehavior;
        _logger = logger;
        _channel = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = options.ThreadsPerQueue == 1,
        });
        _slots = new SemaphoreSlim(options.ThreadsPerQueue, options.ThreadsPerQueue);
        _workers = new Thread[options.ThreadsPerQueue];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(Work) { IsBackground = true, Name = $"RedisAI {name} worker {i}" };
            _workers[i].Start();
        }
    }

    public string Name { get; }

    /// <summary>Executions queued and not yet started.</summary>
    public int Length => Volatile.Read(ref _pending);

    /// <summary>Executions waiting outside the queue itself (batch requests); counted in <see cref="Length"/>.</summary>
    public void AddWaiting(int delta) => Interlocked.Add(ref _pending, delta);

    /// <summary>
    /// Takes one of the device's execution slots for a caller that runs on its own thread; a thread that already
    /// holds one of this device's slots keeps using it.
    /// </summary>
    public void EnterSlot()
    {
        int held = _slotsHeldByThread.Value;
        if (held == 0)
        {
            _slots.Wait();
        }

        _slotsHeldByThread.Value = held + 1;
    }

    /// <summary>Returns a slot taken with <see cref="EnterSlot"/>.</summary>
    public void ExitSlot()
    {
        int held = _slotsHeldByThread.Value - 1;
        _slotsHeldByThread.Value = held;
        if (held == 0)
        {
            _slots.Release();
        }
    }

    /// <summary>Queues an internal item (not an execution), waiting in the background if the queue is full.</summary>
    public void EnqueueInternal(WorkItem item)
    {
        if (!_channel.Writer.TryWrite(item))
        {
            _ = _channel.Writer.WriteAsync(item).AsTask();
        }
    }

    /// <summary>Queues an item; it is abandoned (its caller completed) if its token fires before a worker starts it.</summary>
    public ValueTask EnqueueAsync(WorkItem item, CancellationToken cancellationToken)
    {
        item.AbandonOnCancellation();
        Interlocked.Increment(ref _pending);
        if (_channel.Writer.TryWrite(item))
        {
            return ValueTask.CompletedTask;
        }

        if (_fullBehavior == QueueFullBehavior.Reject)
        {
            Interlocked.Decrement(ref _pending);
            throw new AiStoreException(AiErrorCode.QueueFull, $"the run queue of device {Name} is full ({_channel.Reader.Count} executions waiting)");
        }

        return WaitForRoomAsync(item, cancellationToken);
    }

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        foreach (var worker in _workers)
        {
            worker.Join();
        }

        _slots.Dispose();
        _slotsHeldByThread.Dispose();
    }

    private async ValueTask WaitForRoomAsync(WorkItem item, CancellationToken cancellationToken)
    {
        try
        {
            await _channel.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _pending);
            throw;
        }
    }

    private void Work()
    {
        var reader = _channel.Reader;
        while (true)
        {
            while (reader.TryRead(out var item))
            {
                if (item.IsExecution)
                {
                    Interlocked.Decrement(ref _pending);
                }

                Run(item);
            }

            // Blocking here is intended: this is a dedicated thread whose only job is this queue.
            if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                return;
            }
        }
    }

    private void Run(WorkItem item)
    {
        if (!item.TryStart())
        {
            return; // abandoned while queued: its caller was already completed
        }

        EnterSlot();
        try
        {
            if (item.CancellationToken.IsCancellationRequested)
            {
                item.Fail(new OperationCanceledException(item.CancellationToken));
                return;
            }

            item.Execute();
        }
        catch (Exception ex)
        {
            // Execute completes its caller itself; reaching here is a bug, but the worker must survive it.
            LogWorkerFault(_logger, Name, ex);
            item.Fail(ex);
        }
        finally
        {
            ExitSlot();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An execution on queue {Queue} failed outside its own error handling")]
    private static partial void LogWorkerFault(ILogger logger, string queue, Exception exception);
}
