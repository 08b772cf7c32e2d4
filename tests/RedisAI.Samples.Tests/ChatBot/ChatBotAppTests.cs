using System.Net;
using System.Net.Http.Json;
using RedisAI.Samples.ChatBot;

namespace RedisAI.Samples.Tests.ChatBot;

public sealed class ChatBotAppTests : IDisposable
{
    private static readonly string[] AliceSays = ["hello", "how are you?", "tell me about tensors", "hello", "why?"];
    private static readonly string[] BobSays = ["what is the weather like?", "no!", "I like robots", "hello", "bye"];

    private readonly string _directory = Directory.CreateTempSubdirectory("redisai-chatbot-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Chat_SameMessageAgain_ReplyChangesWithTheState()
    {
        await using ChatBotServer server = await StartAsync();

        List<string> replies = await server.ChatAsync("alice", ["hello", "hello", "hello"]);

        Assert.NotEqual(replies[0], replies[1]);
        Assert.NotEqual(replies[1], replies[2]);
    }

    [Fact]
    public async Task Chat_UsersInterleavedAndConcurrent_ConversationsNeverMix()
    {
        await using ChatBotServer server = await StartAsync();
        List<string> aliceAlone = await server.ChatAsync("alice-alone", AliceSays);
        List<string> bobAlone = await server.ChatAsync("bob-alone", BobSays);

        // Strictly alternating turns...
        var alice = new List<string>();
        var bob = new List<string>();
        for (int i = 0; i < AliceSays.Length; i++)
        {
            alice.Add(await server.ChatAsync("alice", AliceSays[i]));
            bob.Add(await server.ChatAsync("bob", BobSays[i]));
        }

        // ...and both conversations at once.
        Task<List<string>> aliceConcurrent = server.ChatAsync("alice-concurrent", AliceSays);
        Task<List<string>> bobConcurrent = server.ChatAsync("bob-concurrent", BobSays);
        await Task.WhenAll(aliceConcurrent, bobConcurrent);

        Assert.Equal(aliceAlone, alice);
        Assert.Equal(bobAlone, bob);
        Assert.Equal(aliceAlone, await aliceConcurrent);
        Assert.Equal(bobAlone, await bobConcurrent);
    }

    [Fact]
    public async Task Chat_AfterATurn_StateIsAnExpiringTensorKeyAndNothingElseIsWritten()
    {
        await using ChatBotServer server = await StartAsync();

        await server.ChatAsync("carol", "hello");

        string key = Conversations.StateKey("carol");
        Assert.Equal(KeyType.Tensor, server.Store.GetKeyType(key));
        TimeSpan? timeToLive = server.Store.GetTimeToLive(key);
        Assert.NotNull(timeToLive);
        Assert.InRange(timeToLive.Value, TimeSpan.FromTicks(1), ChatBotServer.StateTimeToLive);
        Assert.Equal([key, Conversations.ModelKey], server.Store.Scan().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Chat_AfterGracefulRestart_ConversationGoesOnFromTheSnapshot()
    {
        string snapshot = Path.Combine(_directory, "chatbot.rdai");
        await using (ChatBotServer first = await ChatBotServer.StartAsync(snapshot))
        {
            await first.ChatAsync("dave", AliceSays[..2]);
        }

        Assert.True(File.Exists(snapshot));
        await using ChatBotServer second = await ChatBotServer.StartAsync(snapshot);

        string afterRestart = await second.ChatAsync("dave", AliceSays[2]);

        List<string> withoutRestart = await second.ChatAsync("dave-reference", AliceSays[..3]);
        string fromScratch = await second.ChatAsync("erin", AliceSays[2]);
        Assert.Equal(withoutRestart[2], afterRestart);
        Assert.NotEqual(fromScratch, afterRestart);
        Assert.NotNull(second.Store.GetTimeToLive(Conversations.StateKey("dave")));
    }

    [Fact]
    public async Task Health_Running_IsHealthy()
    {
        await using ChatBotServer server = await StartAsync();

        using HttpResponseMessage response = await server.Client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("not%20a%20user", "hello")]
    [InlineData("frank", "")]
    [InlineData("frank", "   ")]
    public async Task Chat_InvalidUserOrMessage_IsABadRequest(string user, string message)
    {
        await using ChatBotServer server = await StartAsync();

        using HttpResponseMessage response = await server.Client.PostAsJsonAsync(new Uri($"/chat/{user}", UriKind.Relative), new ChatRequest(message));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([Conversations.ModelKey], server.Store.Scan());
    }

    private Task<ChatBotServer> StartAsync() => ChatBotServer.StartAsync(Path.Combine(_directory, "chatbot.rdai"));
}
