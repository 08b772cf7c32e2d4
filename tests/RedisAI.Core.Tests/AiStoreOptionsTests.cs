namespace RedisAI.Tests;

public class AiStoreOptionsTests
{
    [Fact]
    public void Validate_SeveralInvalidSettings_ReportsEveryOne()
    {
        var options = new AiStoreOptions { ThreadsPerQueue = 0, QueueCapacity = 0, DefaultExecutionTimeout = TimeSpan.Zero, IntraOpThreads = -1 };

        var ex = Assert.Throws<AiArgumentException>(() => new AiStore(options));

        Assert.Contains("ThreadsPerQueue", ex.Message, StringComparison.Ordinal);
        Assert.Contains("QueueCapacity", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DefaultExecutionTimeout", ex.Message, StringComparison.Ordinal);
        Assert.Contains("IntraOpThreads", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_AreValid()
    {
        Assert.Empty(new AiStoreOptions().GetValidationErrors());
    }

    [Theory]
    [InlineData(-1, 0, 0, "BATCHSIZE")]
    [InlineData(0, 2, 0, "MINBATCHSIZE specified without BATCHSIZE")]
    [InlineData(2, 3, 0, "larger than BATCHSIZE")]
    [InlineData(2, 0, 1000, "MINBATCHTIMEOUT specified without MINBATCHSIZE")]
    public void ModelOptions_InvalidBatching_Throws(int batch, int minBatch, int timeoutMs, string expected)
    {
        var options = new ModelOptions { Backend = "ONNX", BatchSize = batch, MinBatchSize = minBatch, MinBatchTimeout = TimeSpan.FromMilliseconds(timeoutMs) };

        var ex = Assert.Throws<AiArgumentException>(options.Validate);

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StoreModel_UnknownBackend_ThrowsAndStoresNothing()
    {
        using var store = new AiStore();

        var ex = Assert.Throws<AiStoreException>(() => store.StoreModel("m", new byte[] { 1 }, new ModelOptions { Backend = "PORCH" }));

        Assert.Equal(AiErrorCode.BackendNotFound, ex.Code);
        Assert.Contains("unsupported backend 'PORCH'", ex.Message, StringComparison.Ordinal);
        Assert.False(store.Exists("m"));
    }
}
