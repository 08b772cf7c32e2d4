using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RedisAI;

/// <summary>The device run queues of one store, created on first use and kept until the store is disposed.</summary>
internal sealed class DeviceQueues(AiStoreOptions options, ILogger logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, DeviceQueue> _queues = new(StringComparer.Ordinal);
    private bool _disposed;

    public DeviceQueue GetQueue(Device device)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        string name = device.ToString();
        if (_queues.TryGetValue(name, out var queue))
        {
            return queue;
        }

        lock (_queues)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _queues.GetOrAdd(name, n => new DeviceQueue(n, options, logger));
        }
    }

    /// <summary>Queue lengths by device name.</summary>
    public IReadOnlyDictionary<string, int> GetQueueLengths()
    {
        var lengths = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, queue) in _queues)
        {
            lengths[name] = queue.Length;
        }

        return lengths;
    }

    public void Dispose()
    {
        lock (_queues)
        {
            _disposed = true;
        }

        foreach (var queue in _queues.Values)
        {
            queue.Dispose();
        }
    }
}
