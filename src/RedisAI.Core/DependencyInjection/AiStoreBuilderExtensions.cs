using RedisAI.Backends;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Extension points for <see cref="IAiStoreBuilder"/>, used by backend packages.</summary>
public static class AiStoreBuilderExtensions
{
    /// <summary>The service key under which a store's backends are registered.</summary>
    public static string GetBackendServiceKey(this IAiStoreBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return BackendServiceKey(builder.Name);
    }

    /// <summary>The service key under which the backends of the store named <paramref name="storeName"/> are registered.</summary>
    public static string BackendServiceKey(string storeName) => "RedisAI.Backends:" + storeName;

    /// <summary>Adds a model (and, if it implements it, script) backend to the store, created once from the service provider.</summary>
    public static IAiStoreBuilder AddBackend(this IAiStoreBuilder builder, Func<IServiceProvider, IModelBackend> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.AddKeyedSingleton(builder.GetBackendServiceKey(), (services, _) => factory(services));
        return builder;
    }
}
