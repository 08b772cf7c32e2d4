using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RedisAI;
using RedisAI.Hosting;
using RedisAI.Persistence;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds snapshots to a registered store.</summary>
public static class SnapshotsAiStoreBuilderExtensions
{
    /// <summary>
    /// Persists the store: the snapshot is loaded when the host starts (a load error stops the start, naming the file,
    /// offset and entry, unless <see cref="AiStoreSnapshotHostingOptions.StartEmptyOnLoadFailure"/>), saved by its
    /// policies while the app runs, and saved when the host stops.
    /// </summary>
    public static IAiStoreBuilder AddSnapshots(this IAiStoreBuilder builder, Action<SnapshotOptions> configure, Action<AiStoreSnapshotHostingOptions>? configureHosting = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        Register(builder);
        builder.Services.Configure(builder.Name, configure);
        if (configureHosting is not null)
        {
            builder.Services.Configure(builder.Name, configureHosting);
        }

        return builder;
    }

    /// <summary>As <see cref="AddSnapshots(IAiStoreBuilder, Action{SnapshotOptions}, Action{AiStoreSnapshotHostingOptions}?)"/>, with options bound from configuration.</summary>
    public static IAiStoreBuilder AddSnapshots(this IAiStoreBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        Register(builder);
        builder.Services.Configure<SnapshotOptions>(builder.Name, configuration);
        builder.Services.Configure<AiStoreSnapshotHostingOptions>(builder.Name, configuration);
        return builder;
    }

    private static void Register(IAiStoreBuilder builder)
    {
        string name = builder.Name;
        builder.Services.AddOptions<SnapshotOptions>(name).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SnapshotOptions>>(new SnapshotOptionsValidator(name));
        builder.Services.AddKeyedSingleton(name, (provider, _) => new SnapshotManager(
            provider.GetRequiredKeyedService<AiStore>(name),
            provider.GetRequiredService<IOptionsMonitor<SnapshotOptions>>().Get(name),
            provider.GetService<ILoggerFactory>(),
            provider.GetService<TimeProvider>()));
    }

    private sealed class SnapshotOptionsValidator(string name) : IValidateOptions<SnapshotOptions>
    {
        public ValidateOptionsResult Validate(string? optionsName, SnapshotOptions options)
        {
            if (optionsName != name)
            {
                return ValidateOptionsResult.Skip;
            }

            IReadOnlyList<string> errors = options.GetValidationErrors();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => $"AiStore '{name}' snapshots: {e}"));
        }
    }
}

/// <summary>How the host treats a store's snapshot.</summary>
public sealed class AiStoreSnapshotHostingOptions
{
    /// <summary>
    /// When the snapshot cannot be loaded at start: false (default) fails the start with the load error; true logs it and
    /// starts empty, after moving the unreadable file aside (suffix <c>.corrupt-&lt;timestamp&gt;</c>, UTC on the container's
    /// <see cref="TimeProvider"/>, the store's clock) so nothing is overwritten (see <see cref="SnapshotManager.LoadOrStartEmptyAsync"/>).
    /// </summary>
    public bool StartEmptyOnLoadFailure { get; set; }
}
