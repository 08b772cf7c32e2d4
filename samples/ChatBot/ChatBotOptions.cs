namespace RedisAI.Samples.ChatBot;

/// <summary>The chat settings, bound from <c>RedisAI:ChatBot</c>.</summary>
public sealed class ChatBotOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "RedisAI:ChatBot";

    /// <summary>How long a conversation's state lives after its last message. Default 30 minutes.</summary>
    public TimeSpan StateTimeToLive { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The model file. Default <c>chatbot.onnx</c> next to the app.</summary>
    public string ModelPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "chatbot.onnx");
}
