using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RedisAI.Testing;
using RedisAI.Testing.Onnx;

namespace RedisAI.Hosting.Tests;

public sealed class AddAiStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("redisai-hosting-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task AddAiStore_FromConfiguration_BindsOptionsAndRunsModels()
    {
        using IHost host = Build(
            new() { ["RedisAI:ThreadsPerQueue"] = "3", ["RedisAI:DefaultExecutionTimeout"] = "00:00:05" },
            (services, configuration) => services.AddAiStore(configuration.GetSection("RedisAI")).AddOnnxRuntime());
        await host.StartAsync();

        var store = host.Services.GetRequiredService<IAiStore>();
        var options = host.Services.GetRequiredService<IOptionsMonitor<AiStoreOptions>>().Get(Options.DefaultName);
        store.StoreModel("mul", TestModels.Mul(), new ModelOptions { Backend = "ONNX" });
        store.SetTensor("a", AiTensor.Create<float>([2, 3], 1, 2));
        await store.ExecuteModelAsync("mul", ["a", "a"], ["c"]);

        Assert.Equal(3, options.ThreadsPerQueue);
        Assert.Equal(TimeSpan.FromSeconds(5), options.DefaultExecutionTimeout);
        Assert.Equal(new[] { 4f, 9f }, store.GetTensor("c").GetData<float>().ToArray());
        Assert.Same(store, host.Services.GetRequiredService<AiStore>());
        await host.StopAsync();
    }

    [Fact]
    public async Task InvalidOptions_FailTheStart_ListingEveryProblem()
    {
        using IHost host = Build(
            new() { ["RedisAI:ThreadsPerQueue"] = "0", ["RedisAI:QueueCapacity"] = "-5" },
            (services, configuration) => services.AddAiStore(configuration.GetSection("RedisAI")).AddOnnxRuntime());

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.Contains("ThreadsPerQueue", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("QueueCapacity", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeyedStores_AreIndependent()
    {
        using IHost host = Build([], (services, _) =>
        {
            services.AddKeyedAiStore("a").AddOnnxRuntime();
            services.AddKeyedAiStore("b");
        });
        await host.StartAsync();

        var a = host.Services.GetRequiredKeyedService<IAiStore>("a");
        var b = host.Services.GetRequiredKeyedService<IAiStore>("b");
        a.SetTensor("t", AiTensor.Scalar(1f));

        Assert.NotSame(a, b);
        Assert.False(b.Exists("t"));
        Assert.Equal(["ONNX"], ((AiStore)a).Backends);
        Assert.Empty(((AiStore)b).Backends);
        Assert.Null(host.Services.GetService<IAiStore>());
        await host.StopAsync();
    }

    [Fact]
    public void AddAiStore_SameNameTwice_Throws()
    {
        var services = new ServiceCollection();
        services.AddAiStore();

        Assert.Throws<InvalidOperationException>(() => services.AddAiStore());
    }

    [Fact]
    public async Task Snapshots_SaveAtStopAndLoadAtStart()
    {
        string path = Path.Combine(_directory, "store.rdai");
        byte[] model = TestModels.Mul();
        using (IHost first = BuildPersistent(path))
        {
            await first.StartAsync();
            var store = first.Services.GetRequiredService<IAiStore>();
            store.StoreModel("mul", model, new ModelOptions { Backend = "ONNX", Tag = "v3" });
            store.SetTensor("a", AiTensor.Create<float>([2, 3], 1, 2));
            await first.StopAsync();
        }

        using IHost second = BuildPersistent(path);
        await second.StartAsync();
        var restored = second.Services.GetRequiredService<IAiStore>();
        await restored.ExecuteModelAsync("mul", ["a", "a"], ["c"]);

        Assert.Equal("v3", restored.GetModel("mul").Tag);
        Assert.Equal(model, restored.GetModel("mul").Blob.ToArray());
        Assert.Equal(new[] { 4f, 9f }, restored.GetTensor("c").GetData<float>().ToArray());
        await second.StopAsync();
    }

    [Fact]
    public async Task CorruptSnapshot_FailsTheStartByDefault_OrStartsEmptyWhenAsked()
    {
        string path = Path.Combine(_directory, "corrupt.rdai");
        await File.WriteAllTextAsync(path, "not a snapshot at all");

        using (IHost strict = BuildPersistent(path))
        {
            var ex = await Assert.ThrowsAsync<Persistence.SnapshotException>(() => strict.StartAsync());
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        }

        using IHost lenient = BuildPersistent(path, startEmpty: true);
        await lenient.StartAsync();
        Assert.Empty(lenient.Services.GetRequiredService<IAiStore>().Scan());
        Assert.Single(Directory.GetFiles(_directory, "corrupt.rdai.corrupt-*"));
        await lenient.StopAsync();
    }

    [Fact]
    public async Task CorruptSnapshot_StartEmpty_NamesTheMovedFileByTheContainersClock()
    {
        string path = Path.Combine(_directory, "corrupt.rdai");
        await File.WriteAllTextAsync(path, "not a snapshot at all");
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        using IHost host = Build([], (services, _) =>
        {
            services.AddSingleton<TimeProvider>(time);
            services.AddAiStore().AddOnnxRuntime().AddSnapshots(o => o.Path = path, h => h.StartEmptyOnLoadFailure = true);
        });

        await host.StartAsync();

        Assert.Equal("not a snapshot at all", await File.ReadAllTextAsync(path + ".corrupt-20300102030405"));
        await host.StopAsync();
    }

    [Fact]
    public async Task HealthCheck_ReportsBackendsDevicesAndLastSave()
    {
        string path = Path.Combine(_directory, "health.rdai");
        using IHost host = BuildPersistent(path);
        await host.StartAsync();
        var store = host.Services.GetRequiredService<IAiStore>();
        store.StoreModel("mul", TestModels.Mul(), new ModelOptions { Backend = "ONNX", Device = Device.CpuAt(1) });

        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        HealthReportEntry entry = report.Entries["redisai"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("ONNX", entry.Data["backends"]);
        Assert.Contains("CPU:1", (string)entry.Data["devices"], StringComparison.Ordinal);
        Assert.Equal(1L, entry.Data["models"]);
        Assert.True(entry.Data.ContainsKey("lastSaveStatus"));
        await host.StopAsync();
    }

    [Fact]
    public void InMemoryAiStore_IsAOneLinerWithOnnxAndAFakeClock()
    {
        var time = new FakeTimeProvider();
        using AiStore store = InMemoryAiStore.Create(time);
        store.SetTensor("session", AiTensor.Scalar(1f), TimeSpan.FromMinutes(1));

        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(["ONNX"], store.Backends);
        Assert.False(store.Exists("session"));
    }

    private static IHost Build(Dictionary<string, string?> settings, Action<IServiceCollection, IConfiguration> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        configure(builder.Services, builder.Configuration);
        builder.Services.AddHealthChecks().AddAiStore();
        return builder.Build();
    }

    private static IHost BuildPersistent(string path, bool startEmpty = false) => Build([], (services, _) =>
        services.AddAiStore().AddOnnxRuntime().AddSnapshots(o => o.Path = path, h => h.StartEmptyOnLoadFailure = startEmpty));
}
