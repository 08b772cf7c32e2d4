namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Configures one registered store (see <c>AddAiStore</c> in the RedisAI.Hosting package). Backend and persistence
/// packages extend it: <c>.AddOnnxRuntime()</c>, <c>.AddTorchScript()</c>, <c>.AddSnapshots(...)</c>.
/// </summary>
public interface IAiStoreBuilder
{
    /// <summary>The store's name: <see cref="Options.Options.DefaultName"/> (empty) for the default store, else the service key of a keyed store.</summary>
    string Name { get; }

    /// <summary>The service collection the store is registered in.</summary>
    IServiceCollection Services { get; }
}
