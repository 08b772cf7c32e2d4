using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RedisAI;
using RedisAI.Backends;
using RedisAI.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers RedisAI stores with dependency injection.</summary>
public static class AiStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the default store as <see cref="IAiStore"/> and <see cref="AiStore"/> (singletons). Its options are
    /// validated when the host starts, reporting every problem at once. Add backends on the returned builder.
    /// </summary>
    public static IAiStoreBuilder AddAiStore(this IServiceCollection services, Action<AiStoreOptions>? configure = null) =>
        services.AddKeyedAiStore(Options.Options.DefaultName, configure);

    /// <summary>Registers the default store with options bound from a configuration section (for example <c>"RedisAI"</c>).</summary>
    public static IAiStoreBuilder AddAiStore(this IServiceCollection services, IConfiguration configuration) =>
        services.AddKeyedAiStore(Options.Options.DefaultName, configuration);

    /// <summary>
    /// Registers a named store as keyed <see cref="IAiStore"/> and <see cref="AiStore"/> services (resolve with
    /// <c>[FromKeyedServices("name")]</c>), for apps that need more than one.
    /// </summary>
    public static IAiStoreBuilder AddKeyedAiStore(this IServiceCollection services, string name, Action<AiStoreOptions>? configure = null)
    {
        var builder = Register(services, name);
        if (configure is not null)
        {
            services.Configure(name, configure);
        }

        return builder;
    }

    /// <summary>Registers a named store with options bound from a configuration section.</summary>
    public static IAiStoreBuilder AddKeyedAiStore(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = Register(services, name);
        services.Configure<AiStoreOptions>(name, configuration);
        return builder;
    }

    private static AiStoreBuilder Register(IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        if (services.Any(d => d.ServiceType == typeof(AiStoreRegistration) && Equals(d.ServiceKey, name)))
        {
            throw new InvalidOperationException($"A store named '{name}' is already registered.");
        }

        services.AddKeyedSingleton(name, new AiStoreRegistration(name));
        services.AddOptions<AiStoreOptions>(name).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AiStoreOptions>, AiStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton(name, (provider, _) => new AiStore(
            provider.GetRequiredService<IOptionsMonitor<AiStoreOptions>>().Get(name),
            provider.GetKeyedServices<IModelBackend>(AiStoreBuilderExtensions.BackendServiceKey(name)),
            provider.GetService<ILoggerFactory>(),
            provider.GetService<TimeProvider>(),
            provider.GetService<IMeterFactory>()));
        services.AddKeyedSingleton<IAiStore>(name, (provider, _) => provider.GetRequiredKeyedService<AiStore>(name));
        if (name == Options.Options.DefaultName)
        {
            services.TryAddSingleton(provider => provider.GetRequiredKeyedService<AiStore>(name));
            services.TryAddSingleton<IAiStore>(provider => provider.GetRequiredKeyedService<AiStore>(name));
        }

        // Not AddHostedService: it de-duplicates by type, and each store needs its own.
        services.AddSingleton<IHostedService>(provider => new AiStoreHostedService(name, provider));
        return new AiStoreBuilder(name, services);
    }

    private sealed record AiStoreBuilder(string Name, IServiceCollection Services) : IAiStoreBuilder;
}

/// <summary>Marks a store name as registered (one registration per name).</summary>
internal sealed record AiStoreRegistration(string Name);
