using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RedisAI.Testing.Onnx;

namespace RedisAI.Backends.Onnx.Tests;

public sealed class OnnxRuntimeLoggingTests
{
    private const string Category = "RedisAI.Backends.Onnx.OnnxRuntime";

    [Fact]
    public void StoreModel_UnusedInitializer_SendsOnnxRuntimeWarningToTheLogger()
    {
        var provider = new RecordingLoggerProvider();
        using ILoggerFactory loggers = LoggerFactory.Create(b => b.AddProvider(provider));
        using var store = new AiStore(new OnnxRuntimeBackend(loggerFactory: loggers));

        store.StoreModel("m", WithUnusedInitializer(), Onnx.Options);

        LogEntry warning = Assert.Single(ModelLines(provider, "m"));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.StartsWith("Model 'm': Removing initializer 'unused'. It is not used by any node", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StoreModel_TraceEnabled_SessionLogsVerboseAndInfoLines()
    {
        var provider = new RecordingLoggerProvider();
        using ILoggerFactory loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(provider));
        using var store = new AiStore(new OnnxRuntimeBackend(loggerFactory: loggers));

        store.StoreModel("m", TestModels.Mul(), Onnx.Options);

        LogEntry[] lines = ModelLines(provider, "m");
        Assert.Contains(lines, e => e.Level == LogLevel.Debug && e.Message.StartsWith("Model 'm': Initializing session.", StringComparison.Ordinal));
        Assert.Contains(lines, e => e.Level == LogLevel.Trace);
    }

    [Fact]
    public void StoreModel_TwoBackendsWithOwnLoggers_EachLoggerGetsOnlyItsModelsLines()
    {
        var first = new RecordingLoggerProvider();
        var second = new RecordingLoggerProvider();
        using ILoggerFactory firstLoggers = LoggerFactory.Create(b => b.AddProvider(first));
        using ILoggerFactory secondLoggers = LoggerFactory.Create(b => b.AddProvider(second));
        using var firstStore = new AiStore(new OnnxRuntimeBackend(loggerFactory: firstLoggers));
        using var secondStore = new AiStore(new OnnxRuntimeBackend(loggerFactory: secondLoggers));

        firstStore.StoreModel("one", WithUnusedInitializer(), Onnx.Options);
        secondStore.StoreModel("two", WithUnusedInitializer(), Onnx.Options);

        Assert.Single(ModelLines(first, "one"));
        Assert.Empty(ModelLines(first, "two"));
        Assert.Single(ModelLines(second, "two"));
        Assert.Empty(ModelLines(second, "one"));
    }

    [Fact]
    public void AddOnnxRuntime_LoggerFactoryRegistered_BackendLogsThroughIt()
    {
        var provider = new RecordingLoggerProvider();
        var services = new ServiceCollection().AddLogging(b => b.AddProvider(provider));
        new StoreBuilder(string.Empty, services).AddOnnxRuntime();
        using ServiceProvider container = services.BuildServiceProvider();
        var backend = container.GetRequiredKeyedService<IModelBackend>(AiStoreBuilderExtensions.BackendServiceKey(string.Empty));

        using ICompiledModel model = backend.Load(WithUnusedInitializer(), new ModelLoadContext("m", Device.Cpu, null, null, 0, 0));

        LogEntry warning = Assert.Single(ModelLines(provider, "m"));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.StartsWith("Model 'm': Removing initializer 'unused'.", warning.Message, StringComparison.Ordinal);
    }

    // The first backend created with a logger factory also receives ONNX Runtime's lines from no such backend's
    // model (from other tests' stores), so each test looks only at its own models' lines.
    private static LogEntry[] ModelLines(RecordingLoggerProvider provider, string modelKey) =>
        [.. provider.Entries.Where(e => e.Category == Category && e.Message.StartsWith($"Model '{modelKey}': ", StringComparison.Ordinal))];

    // ONNX Runtime warns at load about an initializer no node reads, and removes it.
    private static byte[] WithUnusedInitializer() =>
        new OnnxModelBuilder("unused")
            .AddInput("x", OnnxElementType.Float, "batch", 2)
            .AddOutput("y", OnnxElementType.Float, "batch", 2)
            .AddInitializer("unused", [2], [1f, 2f])
            .AddNode("Identity", ["x"], ["y"])
            .Build();

    private sealed record StoreBuilder(string Name, IServiceCollection Services) : IAiStoreBuilder;
}
