using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RedisAI.Persistence;

namespace RedisAI.Hosting;

/// <summary>
/// Creates a registered store when the host starts (so misconfiguration fails the start, not the first request),
/// loads its snapshot if it has one, and saves it when the host stops.
/// </summary>
internal sealed partial class AiStoreHostedService(string name, IServiceProvider services) : IHostedService
{
    private readonly ILogger _logger = services.GetService<ILoggerFactory>()?.CreateLogger<AiStoreHostedService>() ?? NullLogger<AiStoreHostedService>.Instance;
    private SnapshotManager? _snapshots;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        AiStore store = services.GetRequiredKeyedService<AiStore>(name);
        _snapshots = services.GetKeyedService<SnapshotManager>(name);
        if (_snapshots is null)
        {
            LogStarted(_logger, name, store.Backends);
            return;
        }

        try
        {
            SnapshotLoadResult loaded = await _snapshots.LoadAsync(cancellationToken).ConfigureAwait(false);
            LogLoaded(_logger, name, _snapshots.FilePath, loaded.Keys, loaded.LogRecords, loaded.SkippedKeys.Count);
        }
        catch (SnapshotException ex) when (services.GetRequiredService<IOptionsMonitor<AiStoreSnapshotHostingOptions>>().Get(name).StartEmptyOnLoadFailure)
        {
            string aside = $"{_snapshots.FilePath}.corrupt-{DateTime.UtcNow:yyyyMMddHHmmss}";
            if (File.Exists(_snapshots.FilePath))
            {
                File.Move(_snapshots.FilePath, aside);
            }

            LogStartedEmpty(_logger, ex, name, _snapshots.FilePath, aside);
            _snapshots.Start();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_snapshots is not null)
        {
            await _snapshots.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "AiStore '{Store}' started with backends {Backends}")]
    private static partial void LogStarted(ILogger logger, string store, IReadOnlyCollection<string> backends);

    [LoggerMessage(Level = LogLevel.Information, Message = "AiStore '{Store}' loaded {Path}: {Keys} keys, {LogRecords} log records replayed, {Skipped} keys skipped")]
    private static partial void LogLoaded(ILogger logger, string store, string path, int keys, long logRecords, int skipped);

    [LoggerMessage(Level = LogLevel.Error, Message = "AiStore '{Store}' could not load {Path}; it was moved to {Aside} and the store starts empty")]
    private static partial void LogStartedEmpty(ILogger logger, Exception exception, string store, string path, string aside);
}
