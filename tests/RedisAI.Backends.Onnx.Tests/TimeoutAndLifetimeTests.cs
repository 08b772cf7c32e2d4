using Microsoft.Extensions.Time.Testing;
using RedisAI.Testing.Onnx;

namespace RedisAI.Backends.Onnx.Tests;

public sealed class TimeoutAndLifetimeTests
{
    // Far more iterations than could finish during a test run: these runs only end when terminated.
    private const long Endless = 1_000_000_000;
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [Fact]
    public void ExecuteModel_Timeout_TerminatesTheRunAndWritesNothing()
    {
        using var store = Onnx.CreateStore();
        StoreSlow(store);
        store.SetTensor("m", AiTensor.Scalar(Endless));

        var ex = Assert.Throws<AiTimeoutException>(() => store.ExecuteModel("slow", ["x", "m"], ["y"], timeout: TimeSpan.FromMilliseconds(200)));

        Assert.Equal(AiErrorCode.Timeout, ex.Code);
        Assert.Contains("TIMEDOUT", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'slow'", ex.Message, StringComparison.Ordinal);
        Assert.False(store.Exists("y"));
    }

    [Fact]
    public async Task RunModelAsync_TimeoutOnTheStoreClock_StopsTheRunningModel()
    {
        var time = new FakeTimeProvider();
        using var store = Onnx.CreateStore(time: time);
        StoreSlow(store);

        Task<AiTensor[]> run = store.RunModelAsync("slow", [Onnx.Floats(0, 0), AiTensor.Scalar(Endless)], timeout: TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<AiTimeoutException>(() => run.WaitAsync(Guard));
    }

    [Fact]
    public async Task ExecuteModelAsync_CallerCancels_StopsTheRunAndWritesNothing()
    {
        using var store = Onnx.CreateStore();
        StoreSlow(store);
        store.SetTensor("m", AiTensor.Scalar(Endless));
        using var cts = new CancellationTokenSource();

        Task run = store.ExecuteModelAsync("slow", ["x", "m"], ["y"], cancellationToken: cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Guard));
        Assert.False(store.Exists("y"));
    }

    [Fact]
    public async Task StoreDefaultTimeout_AppliesToCallsWithoutTheirOwn()
    {
        using var store = Onnx.CreateStore(new AiStoreOptions { DefaultExecutionTimeout = TimeSpan.FromMilliseconds(100) });
        StoreSlow(store);

        await Assert.ThrowsAsync<AiTimeoutException>(() => store.RunModelAsync("slow", [Onnx.Floats(0, 0), AiTensor.Scalar(Endless)]).WaitAsync(Guard));

        // The worker is free again and the model still works.
        AiTensor[] result = await store.RunModelAsync("slow", [Onnx.Floats(1, 2), AiTensor.Scalar(3L)]);
        Assert.Equal(new[] { 4f, 5f }, result[0].GetData<float>().ToArray());
    }

    [Fact]
    public async Task ReplaceAndDeleteModel_WhileACallRuns_TheCallFinishesOnTheOldModel()
    {
        using var store = Onnx.CreateStore();
        StoreSlow(store);

        // The model is acquired before RunModelAsync returns, so the replace below happens while the call holds it.
        Task<AiTensor[]> run = store.RunModelAsync("slow", [Onnx.Floats(1, 2), AiTensor.Scalar(20_000L)]);
        store.StoreModel("slow", TestModels.Mul(), Onnx.Options);
        Assert.True(store.DeleteModel("slow"));

        AiTensor[] result = await run.WaitAsync(Guard);

        Assert.Equal(new[] { 20_001f, 20_002f }, result[0].GetData<float>().ToArray());
        Assert.False(store.Exists("slow"));
    }

    [Fact]
    public async Task ConcurrentSetExecuteGetDeleteAndModelReplace_ManyThreads_LoseNothing()
    {
        using var store = Onnx.CreateStore(new AiStoreOptions { ThreadsPerQueue = 2 });
        byte[] mul = TestModels.Mul();
        store.StoreModel("mul", mul, Onnx.Options);
        const int workers = 8;
        const int iterations = 150;
        using var stop = new CancellationTokenSource();

        Task replacer = Task.Run(() =>
        {
            int replaced = 0;
            while (!stop.IsCancellationRequested || replaced == 0)
            {
                store.StoreModel("mul", mul, Onnx.Options with { Tag = $"v{replaced++}" });
            }

            return replaced;
        });

        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < iterations; i++)
            {
                string a = $"w{w}:a{i}", c = $"w{w}:c{i}";
                store.SetTensor(a, AiTensor.Create<float>([w, i], 1, 2));
                if (i % 2 == 0)
                {
                    store.ExecuteModel("mul", [a, a], [c]);
                }
                else
                {
                    await store.ExecuteModelAsync("mul", [a, a], [c]);
                }

                Assert.Equal(new float[] { w * w, i * i }, store.GetTensor(c).GetData<float>().ToArray());
                Assert.True(store.DeleteTensor(a));
            }
        })));
        await stop.CancelAsync();
        await replacer;

        Assert.Equal(workers * iterations, store.Scan("w*:c*", KeyType.Tensor).Count);
        Assert.Empty(store.Scan("w*:a*"));
        Assert.Equal(1, store.GetMemoryUsage().ModelCount);
        Assert.Equal(mul.Length, store.GetMemoryUsage().ModelBytes);
    }

    [Fact]
    public async Task QueueFullWithRejectBehavior_FailsFastWithQueueFull()
    {
        using var store = Onnx.CreateStore(new AiStoreOptions { QueueCapacity = 1, QueueFullBehavior = QueueFullBehavior.Reject });
        StoreSlow(store);
        using var cts = new CancellationTokenSource();
        AiTensor[] endless = [Onnx.Floats(0, 0), AiTensor.Scalar(Endless)];

        // One worker and one queue slot hold at most two of these, however the worker races the caller.
        Task[] calls = [.. Enumerable.Range(0, 3).Select(_ => store.RunModelAsync("slow", endless, cancellationToken: cts.Token))];
        Task[] rejected = [.. calls.Where(c => c.IsFaulted)];
        await cts.CancelAsync();

        Assert.NotEmpty(rejected);
        foreach (Task call in calls)
        {
            if (rejected.Contains(call))
            {
                var ex = await Assert.ThrowsAsync<AiStoreException>(() => call);
                Assert.Equal(AiErrorCode.QueueFull, ex.Code);
                Assert.Contains("run queue of device CPU is full", ex.Message, StringComparison.Ordinal);
            }
            else
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Guard));
            }
        }
    }

    private static void StoreSlow(AiStore store)
    {
        store.StoreModel("slow", TestModels.Slow(), Onnx.Options);
        store.SetTensor("x", Onnx.Floats(1, 2));
    }
}
