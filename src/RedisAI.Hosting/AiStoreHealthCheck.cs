using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedisAI.Persistence;

namespace RedisAI.Hosting;

/// <summary>
/// Reports a store's backends, device queues and memory, and its last snapshot save: healthy while the store works
/// and its last save (if it persists) succeeded; degraded when the last save failed.
/// </summary>
internal sealed class AiStoreHealthCheck(string name, IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        AiStore store = services.GetRequiredKeyedService<AiStore>(name);
        MemoryUsage memory = store.GetMemoryUsage();
        var data = new Dictionary<string, object>
        {
            ["backends"] = string.Join(", ", store.Backends),
            ["devices"] = string.Join(", ", store.GetQueueLengths().Select(q => $"{q.Key} (queued {q.Value})")),
            ["tensors"] = memory.TensorCount,
            ["models"] = memory.ModelCount,
            ["scripts"] = memory.ScriptCount,
            ["bytes"] = memory.TotalBytes,
        };

        SnapshotManager? snapshots = services.GetKeyedService<SnapshotManager>(name);
        if (snapshots is null)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"AiStore '{name}' is running", data));
        }

        SnapshotStatus status = snapshots.GetStatus();
        data["lastSave"] = status.LastSaveTime?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "never";
        data["lastSaveStatus"] = status.LastSaveStatus.ToString();
        return Task.FromResult(status.LastSaveStatus == SaveOutcome.Failed
            ? HealthCheckResult.Degraded($"AiStore '{name}': the last snapshot save failed", data: data)
            : HealthCheckResult.Healthy($"AiStore '{name}' is running", data));
    }
}
