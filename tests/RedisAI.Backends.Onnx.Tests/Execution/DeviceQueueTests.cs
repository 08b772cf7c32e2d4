using RedisAI.Testing.Onnx;

namespace RedisAI.Backends.Onnx.Tests.Execution;

public sealed class DeviceQueueTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TensorOperations_WhileASlowModelRuns_NeverWaitBehindIt()
    {
        using var store = Onnx.CreateStore();
        store.StoreModel("slow", TestModels.Slow(), Onnx.Options);
        using var cts = new CancellationTokenSource();
        Task running = store.RunModelAsync("slow", [Onnx.Floats(0, 0), AiTensor.Scalar(1_000_000_000L)], cancellationToken: cts.Token);

        for (int i = 0; i < 5_000; i++)
        {
            store.SetTensor($"t{i}", AiTensor.Scalar(i));
            Assert.Equal(i, store.GetTensor($"t{i}").GetData<int>()[0]);
            if (i % 2 == 0)
            {
                store.Delete($"t{i}");
            }
        }

        // All 5,000 tensor operations finished while the model was still running.
        Assert.False(running.IsCompleted);
        Assert.Equal(2_500, store.GetMemoryUsage().TensorCount);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(Guard));
    }

    [Fact]
    public async Task QueuedCall_Cancelled_CompletesAtOnceAndNeverRuns()
    {
        using var store = Onnx.CreateStore();
        store.StoreModel("slow", TestModels.Slow(), Onnx.Options);
        using var blocker = new CancellationTokenSource();
        using var queued = new CancellationTokenSource();
        Task running = store.RunModelAsync("slow", [Onnx.Floats(0, 0), AiTensor.Scalar(1_000_000_000L)], cancellationToken: blocker.Token);
        Task waiting = store.RunModelAsync("slow", [Onnx.Floats(0, 0), AiTensor.Scalar(1L)], cancellationToken: queued.Token);

        await queued.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Guard));
        Assert.False(running.IsCompleted); // the worker is still busy with the first call
        await blocker.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(Guard));
        Assert.Equal(0, store.GetRunInfo("slow").Calls); // neither completed a run
    }

    [Fact]
    public async Task SeparateDeviceQueues_RunInParallel()
    {
        // CPU and CPU:1 are separate queues on the same hardware, as in RedisAI.
        using var store = Onnx.CreateStore();
        store.StoreModel("slow", TestModels.Slow(), Onnx.Options);
        store.StoreModel("quick", TestModels.Mul(), Onnx.Options with { Device = Device.CpuAt(1) });
        using var cts = new CancellationTokenSource();
        Task running = store.RunModelAsync("slow", [Onnx.Floats(0, 0), AiTensor.Scalar(1_000_000_000L)], cancellationToken: cts.Token);

        AiTensor[] quick = await store.RunModelAsync("quick", [AiTensor.Create<float>([1, 2], 1, 2), AiTensor.Create<float>([3, 4], 1, 2)]).WaitAsync(Guard);

        Assert.Equal(new[] { 3f, 8f }, quick[0].GetData<float>().ToArray());
        Assert.False(running.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(Guard));
    }

    [Fact]
    public async Task Dispose_WhileAModelRunsAndCallsWait_CancelsThemAndReturns()
    {
        var store = Onnx.CreateStore();
        store.StoreModel("slow", TestModels.Slow(), Onnx.Options);
        store.StoreModel("batched", TestModels.Mul(), Onnx.Options with { BatchSize = 4, MinBatchSize = 4 });
        AiTensor row = AiTensor.Create<float>([1, 2], 1, 2);
        Task running = store.RunModelAsync("slow", [Onnx.Floats(0, 0), AiTensor.Scalar(1_000_000_000L)]);
        Task queued = store.RunModelAsync("slow", [Onnx.Floats(0, 0), AiTensor.Scalar(1L)]);
        Task waiting = store.RunModelAsync("batched", [row, row]);

        await Task.Run(store.Dispose).WaitAsync(Guard);

        foreach (Task call in new[] { running, queued, waiting })
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Guard));
        }
    }

    [Fact]
    public async Task BatchedResults_EqualUnbatchedResultsExactly()
    {
        using var store = Onnx.CreateStore();
        int[] layers = [32, 64, 16];
        store.StoreModel("batched", TestModels.Mlp(layers, seed: 3), Onnx.Options with { BatchSize = 16, MinBatchSize = 8, MinBatchTimeout = TimeSpan.FromMilliseconds(20) });
        store.StoreModel("plain", TestModels.Mlp(layers, seed: 3), Onnx.Options);
        var random = new Random(5);
        AiTensor[] inputs = [.. Enumerable.Range(0, 64).Select(_ => AiTensor.Create<float>([.. Enumerable.Range(0, 32).Select(_ => (float)random.NextDouble() - 0.5f)], 1, 32))];

        AiTensor[][] batched = await Task.WhenAll(inputs.Select(x => store.RunModelAsync("batched", [x]))).WaitAsync(Guard);

        RunInfo info = store.GetRunInfo("batched");
        Assert.Equal(64, info.Calls);
        for (int i = 0; i < inputs.Length; i++)
        {
            AiTensor expected = store.RunModel("plain", [inputs[i]])[0];
            Assert.Equal(expected.GetData<float>().ToArray(), batched[i][0].GetData<float>().ToArray());
        }
    }
}
