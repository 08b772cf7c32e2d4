using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedisAI.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a store's health check.</summary>
public static class AiStoreHealthChecksBuilderExtensions
{
    /// <summary>Checks the store named <paramref name="storeName"/> (the default store when null): backends, devices, memory and last save.</summary>
    public static IHealthChecksBuilder AddAiStore(this IHealthChecksBuilder builder, string? storeName = null, string? checkName = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        string store = storeName ?? Options.Options.DefaultName;
        return builder.Add(new HealthCheckRegistration(
            checkName ?? (store.Length == 0 ? "redisai" : $"redisai-{store}"),
            services => new AiStoreHealthCheck(store, services),
            failureStatus: null,
            tags));
    }
}
