using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RedisAI.Backends.Onnx;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ONNX Runtime backend with a store.</summary>
public static class OnnxRuntimeAiStoreBuilderExtensions
{
    /// <summary>
    /// Adds the ONNX Runtime backend (<c>ONNX</c>) to the store, with options named after the store. ONNX Runtime's own
    /// log lines go to the registered <see cref="ILoggerFactory"/>, if any (see <see cref="OnnxRuntimeBackend"/>).
    /// </summary>
    public static IAiStoreBuilder AddOnnxRuntime(this IAiStoreBuilder builder, Action<OnnxRuntimeBackendOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<OnnxRuntimeBackendOptions>(builder.Name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        string name = builder.Name;
        return builder.AddBackend(services => new OnnxRuntimeBackend(
            services.GetRequiredService<IOptionsMonitor<OnnxRuntimeBackendOptions>>().Get(name),
            services.GetService<ILoggerFactory>()));
    }
}
