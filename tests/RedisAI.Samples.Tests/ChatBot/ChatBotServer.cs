using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RedisAI.Samples.ChatBot;

namespace RedisAI.Samples.Tests.ChatBot;

/// <summary>The ChatBot app on real Kestrel, on a free loopback port, with its snapshot where the test says.</summary>
internal sealed class ChatBotServer : IAsyncDisposable
{
    public static readonly TimeSpan StateTimeToLive = TimeSpan.FromMinutes(10);

    private readonly WebApplication _app;

    private ChatBotServer(WebApplication app, Uri address)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = address };
    }

    public HttpClient Client { get; }

    public AiStore Store => _app.Services.GetRequiredService<AiStore>();

    public static async Task<ChatBotServer> StartAsync(string snapshotPath)
    {
        WebApplication app = ChatBotApp.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["RedisAI:Snapshots:Path"] = snapshotPath,
                ["RedisAI:ChatBot:StateTimeToLive"] = StateTimeToLive.ToString(),
            });
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new ChatBotServer(app, new Uri(address));
    }

    public async Task<string> ChatAsync(string user, string message)
    {
        using HttpResponseMessage response = await Client.PostAsJsonAsync(new Uri($"/chat/{user}", UriKind.Relative), new ChatRequest(message));
        response.EnsureSuccessStatusCode();
        ChatReply? reply = await response.Content.ReadFromJsonAsync<ChatReply>();
        Assert.NotNull(reply);
        Assert.Equal(user, reply.User);
        return reply.Reply;
    }

    public async Task<List<string>> ChatAsync(string user, IEnumerable<string> messages)
    {
        var replies = new List<string>();
        foreach (string message in messages)
        {
            replies.Add(await ChatAsync(user, message));
        }

        return replies;
    }

    /// <summary>Stops the app as the host does on Ctrl+C (so the snapshot is saved), then frees it.</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
