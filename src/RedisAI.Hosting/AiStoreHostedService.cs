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

        string path = _snapshots.FilePath;
        if (!services.GetRequiredService<IOptionsMonitor<AiStoreSnapshotHostingOptions>>().Get(name).StartEmptyOnLoadFailure)
        {
            SnapshotLoadResult loaded = await _snapshots.LoadAsync(cancellationToken).ConfigureAwait(false);
            LogLoaded(_logger, name, path, loaded.Keys, loaded.LogRecords, loaded.SkippedKeys.Count);
            return;
        }

        switch (await _snapshots.LoadOrStartEmptyAsync(cancellationToken).ConfigureAwait(false))
        {
            case { Loaded: { } loaded }:
                LogLoaded(_logger, name, path, loaded.Keys, loaded.LogRecords, loaded.SkippedKeys.Count);
                break;
            case { LoadError: { } error, MovedAsidePath: { } aside }:
                LogStartedEmpty(_logger, error, name, path, aside);
                break;
            case { LoadError: { } error }:
                LogStartedEmptyWithoutSnapshot(_logger, error, name, path);
                break;
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

    [LoggerMessage(Level = LogLevel.Error, Message = "AiStore '{Store}' could not load the append-only log next to {Path} (there is no snapshot file to move aside); the store starts empty")]
    private static partial void LogStartedEmptyWithoutSnapshot(ILogger logger, Exception exception, string store, string path);
}
