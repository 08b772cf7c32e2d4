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

    public ValueTask EnqueueAsync(WorkItem item, CancellationToken cancellationToken)
    {
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
                Interlocked.Decrement(ref _pending);
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
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An execution on queue {Queue} failed outside its own error handling")]
    private static partial void LogWorkerFault(ILogger logger, string queue, Exception exception);
}
