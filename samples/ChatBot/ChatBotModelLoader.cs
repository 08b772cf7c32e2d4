using Microsoft.Extensions.Options;

namespace RedisAI.Samples.ChatBot;

/// <summary>
/// Stores the model when the app starts. Registered after the store, so it runs after the snapshot is loaded and
/// replaces the model the snapshot holds with the app's own file (conversation states are kept).
/// </summary>
internal sealed class ChatBotModelLoader(IAiStore store, IOptions<ChatBotOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) =>
        await store.StoreModelFromFileAsync(
            Conversations.ModelKey,
            options.Value.ModelPath,
            new ModelOptions { Backend = "ONNX", Tag = $"chatbot-{ChatBotModel.Seed}" },
            cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
