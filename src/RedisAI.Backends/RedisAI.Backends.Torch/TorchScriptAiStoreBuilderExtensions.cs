using RedisAI.Backends.Torch;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the TorchScript backend with a store.</summary>
public static class TorchScriptAiStoreBuilderExtensions
{
    /// <summary>Adds the TorchScript backend (<c>TORCH</c>): TorchScript models and scripts.</summary>
    public static IAiStoreBuilder AddTorchScript(this IAiStoreBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddBackend(_ => new TorchScriptBackend());
    }
}
