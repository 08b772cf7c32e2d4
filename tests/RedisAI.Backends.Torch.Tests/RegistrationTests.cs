using Microsoft.Extensions.DependencyInjection;
using RedisAI.Backends;

namespace RedisAI.Backends.Torch.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public void AddTorchScript_RegistersTheBackendForTheStore()
    {
        var services = new ServiceCollection();
        var builder = new Builder("models", services);

        builder.AddTorchScript();
        using ServiceProvider provider = services.BuildServiceProvider();

        IModelBackend backend = Assert.Single(provider.GetKeyedServices<IModelBackend>(builder.GetBackendServiceKey()));
        Assert.IsType<TorchScriptBackend>(backend);
        Assert.Equal("TORCH", backend.Name);
        Assert.Empty(provider.GetKeyedServices<IModelBackend>(AiStoreBuilderExtensions.BackendServiceKey("other")));
    }

    private sealed record Builder(string Name, IServiceCollection Services) : IAiStoreBuilder;
}
