using Microsoft.Extensions.Options;
using RedisAI.Persistence;

namespace RedisAI.Samples.ChatBot;

/// <summary>The chat service: a store with the model and every user's conversation state, behind a small HTTP API.</summary>
public static class ChatBotApp
{
    /// <summary>Builds the app: <c>POST /chat/{user}</c> and <c>GET /health</c>, configured from appsettings.json.</summary>
    /// <param name="args">Command-line arguments (configuration overrides, as <c>--RedisAI:Snapshots:Path=x.rdai</c>).</param>
    /// <param name="configure">Adjusts the builder before services are registered (tests set the address and paths here).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        IConfigurationSection redisAI = builder.Configuration.GetSection("RedisAI");
        builder.Services.AddAiStore(redisAI)
            .AddOnnxRuntime()
            .AddSnapshots(redisAI.GetSection("Snapshots"));

        // A relative snapshot path is relative to the app's content root, not to whatever directory it was started from.
        string contentRoot = builder.Environment.ContentRootPath;
        builder.Services.PostConfigure<SnapshotOptions>(Options.DefaultName, o => o.Path = Path.Combine(contentRoot, o.Path));

        builder.Services.AddOptions<ChatBotOptions>()
            .Bind(builder.Configuration.GetSection(ChatBotOptions.Section))
            .Validate(o => o.StateTimeToLive > TimeSpan.Zero, $"{ChatBotOptions.Section}:StateTimeToLive must be positive.")
            .Validate(o => File.Exists(o.ModelPath), $"{ChatBotOptions.Section}:ModelPath must name an existing model file.")
            .ValidateOnStart();

        // After AddAiStore: hosted services start in order, so the model is stored once the snapshot is loaded.
        builder.Services.AddHostedService<ChatBotModelLoader>();
        builder.Services.AddSingleton<Conversations>();
        builder.Services.AddHealthChecks().AddAiStore();

        WebApplication app = builder.Build();
        app.MapPost("/chat/{user}", ChatAsync);
        app.MapHealthChecks("/health");
        return app;
    }

    private static async Task<IResult> ChatAsync(string user, ChatRequest request, Conversations conversations, CancellationToken cancellationToken)
    {
        if (!Conversations.IsValidUser(user))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["user"] = ["1 to 64 letters, digits, '-' or '_'."],
            });
        }

        if (string.IsNullOrWhiteSpace(request.Message) || request.Message.Length > ChatBotModel.MaxMessageLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["message"] = [$"1 to {ChatBotModel.MaxMessageLength} characters, not all white space."],
            });
        }

        string reply = await conversations.ReplyAsync(user, request.Message, cancellationToken);
        return TypedResults.Ok(new ChatReply(user, reply));
    }
}

/// <summary>The body of <c>POST /chat/{user}</c>: <c>{ "message": "hello" }</c>.</summary>
/// <param name="Message">What the user says.</param>
public sealed record ChatRequest(string Message);

/// <summary>The answer of <c>POST /chat/{user}</c>.</summary>
/// <param name="User">The user.</param>
/// <param name="Reply">What the bot says.</param>
public sealed record ChatReply(string User, string Reply);
