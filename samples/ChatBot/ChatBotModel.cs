using System.Text;

namespace RedisAI.Samples.ChatBot;

/// <summary>
/// How the app talks to <c>chatbot.onnx</c>: text in as one feature vector per character, words out by index. The model
/// is <c>TestModels.ChatBot(FeatureSize, HiddenSize, Vocabulary.Length, ReplyLength, Seed)</c> from
/// tests/RedisAI.Testing.Onnx: untrained, with fixed pseudo-random weights, so it chats badly but deterministically,
/// and its reply depends on the whole conversation through the state it returns.
/// </summary>
public static class ChatBotModel
{
    /// <summary>Features per character: a one-hot vector over <see cref="FeatureSize"/> character classes.</summary>
    public const int FeatureSize = 32;

    /// <summary>Width of the conversation state.</summary>
    public const int HiddenSize = 32;

    /// <summary>Words per reply.</summary>
    public const int ReplyLength = 4;

    /// <summary>The weight seed the committed model was generated with.</summary>
    public const int Seed = 2019;

    /// <summary>The longest message accepted, in characters.</summary>
    public const int MaxMessageLength = 500;

    /// <summary>The words a reply is made of; the model's <c>reply</c> output holds indices into this list.</summary>
    public static IReadOnlyList<string> Vocabulary { get; } =
    [
        "hello", "friend", "the", "weather", "is", "nice", "why", "do",
        "you", "ask", "i", "think", "so", "maybe", "tell", "me",
        "more", "about", "it", "that", "sounds", "great", "really", "yes",
        "no", "perhaps", "tomorrow", "today", "robots", "dream", "of", "tensors",
    ];

    /// <summary>The state a conversation starts from: zeros, <c>[1, 1, HiddenSize]</c>.</summary>
    public static AiTensor InitialState { get; } = AiTensor.Zeros(DataType.Float, new TensorShape(1, 1, HiddenSize));

    /// <summary>
    /// Turns a message into the model's <c>message</c> input, <c>[1, characters, FeatureSize]</c>: letters (case-folded)
    /// are classes 0-25, then digits, white space, '?', '!', other punctuation and anything else.
    /// </summary>
    /// <exception cref="ArgumentException">The message is empty or longer than <see cref="MaxMessageLength"/>.</exception>
    public static AiTensor Encode(string message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        if (message.Length > MaxMessageLength)
        {
            throw new ArgumentException($"The message has {message.Length} characters; at most {MaxMessageLength} are accepted.", nameof(message));
        }

        var features = new float[message.Length * FeatureSize];
        for (int i = 0; i < message.Length; i++)
        {
            features[(i * FeatureSize) + CharacterClass(message[i])] = 1f;
        }

        return AiTensor.Create<float>(features, 1, message.Length, FeatureSize);
    }

    /// <summary>Turns the model's <c>reply</c> output (INT64 <c>[1, ReplyLength]</c>) into a sentence.</summary>
    public static string Decode(AiTensor reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ReadOnlySpan<long> words = reply.GetData<long>();
        var text = new StringBuilder();
        long previous = -1;
        foreach (long word in words)
        {
            // An untrained model likes to repeat itself: say each word once in a row.
            if (word == previous)
            {
                continue;
            }

            text.Append(text.Length == 0 ? string.Empty : " ").Append(Vocabulary[(int)word]);
            previous = word;
        }

        text[0] = char.ToUpperInvariant(text[0]);
        return text.Append('.').ToString();
    }

    private static int CharacterClass(char c) => c switch
    {
        >= 'a' and <= 'z' => c - 'a',
        >= 'A' and <= 'Z' => c - 'A',
        >= '0' and <= '9' => 26,
        '?' => 28,
        '!' => 29,
        _ when char.IsWhiteSpace(c) => 27,
        _ when char.IsPunctuation(c) => 30,
        _ => 31,
    };
}
