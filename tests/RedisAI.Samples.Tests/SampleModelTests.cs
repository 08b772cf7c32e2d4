using RedisAI.Samples.ChatBot;
using RedisAI.Testing.Onnx;

namespace RedisAI.Samples.Tests;

/// <summary>The models committed next to the samples are exactly what the repository's model builders make.</summary>
public sealed class SampleModelTests
{
    [Fact]
    public void ChatBotModel_Regenerated_EqualsCommittedFile()
    {
        byte[] expected = TestModels.ChatBot(
            ChatBotModel.FeatureSize, ChatBotModel.HiddenSize, ChatBotModel.Vocabulary.Count, ChatBotModel.ReplyLength, ChatBotModel.Seed);

        AssertCommitted(expected, "samples", "ChatBot", "chatbot.onnx");
    }

    [Fact]
    public void QuickstartModel_Regenerated_EqualsCommittedFile() =>
        AssertCommitted(TestModels.Mlp([4, 16, 3], 42), "samples", "Quickstart", "classifier.onnx");

    private static void AssertCommitted(byte[] expected, params string[] path)
    {
        string file = TestSupport.InRepository(path);
        Assert.True(
            expected.AsSpan().SequenceEqual(File.ReadAllBytes(file)),
            $"{file} is not what the model builder makes now: regenerate it (File.WriteAllBytes with the builder's bytes) and commit it.");
    }
}
