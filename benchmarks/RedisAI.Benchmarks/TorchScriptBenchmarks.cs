using BenchmarkDotNet.Attributes;
using RedisAI.Backends.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace RedisAI.Benchmarks;

/// <summary>
/// The TorchScript <c>add.pt</c> fixture (a + b on two 2x2 FLOAT tensors): TorchSharp on its own against the store.
/// The baseline starts and ends where the store does, with managed data: it copies the inputs into torch tensors,
/// runs <c>forward</c> under no_grad and copies the output out, freeing every native tensor. The store borrows its
/// input buffers instead of copying them, and adds validation, a device slot, statistics and (keyed) publishing.
/// </summary>
public class TorchScriptBenchmarks
{
    private static readonly float[] Left = [1, 2, 3, 4];
    private static readonly float[] Right = [5, 6, 7, 8];
    private static readonly long[] Shape = [2, 2];

    private AiStore _store = null!;
    private jit.ScriptModule _module = null!;
    private AiTensor _a = null!;
    private AiTensor _b = null!;

    [GlobalSetup]
    public void Setup()
    {
        byte[] model = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "add.pt"));
        _store = new AiStore(new AiStoreOptions(), [new TorchScriptBackend()]);
        _store.StoreModel("add", model, new ModelOptions { Backend = TorchScriptBackend.BackendName });
        _a = AiTensor.Create<float>(Left, Shape);
        _b = AiTensor.Create<float>(Right, Shape);
        _store.SetTensor("a", _a);
        _store.SetTensor("b", _b);
        _module = torch.jit.load(model, torch.CPU);
        _module.eval();
        string scripts = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "scripts.txt"));
        _store.StoreScript("torch-script", scripts, new ScriptOptions { Backend = TorchScriptBackend.BackendName, EntryPoints = ["bar"] });
        _store.StoreScript("dotnet-script", DotNetScript.Create("bar", static context =>
        {
            TensorWriter sum = AiTensor.Allocate(DataType.Float, context.Inputs[0].Shape);
            System.Numerics.Tensors.TensorPrimitives.Add(context.Inputs[0].GetData<float>(), context.Inputs[1].GetData<float>(), sum.GetSpan<float>());
            return [sum.Complete()];
        }));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        _module.Dispose();
    }

    [Benchmark(Baseline = true)]
    public float[] RawTorchSharp()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var sum = (Tensor)_module.forward(torch.tensor(Left, Shape), torch.tensor(Right, Shape));
        return sum.data<float>().ToArray();
    }

    [Benchmark]
    public AiTensor[] StoreRunModel() => _store.RunModel("add", [_a, _b]);

    [Benchmark]
    public void StoreExecuteModel() => _store.ExecuteModel("add", ["a", "b"], ["c"]);

    [Benchmark]
    public Task StoreExecuteModelAsync() => _store.ExecuteModelAsync("add", ["a", "b"], ["c"]);

    /// <summary>The same a + b as a TorchScript script entry point (RedisAI's <c>bar</c>).</summary>
    [Benchmark]
    public AiTensor[] StoreRunTorchScriptScript() => _store.RunScript("torch-script", "bar", [_a, _b]);

    /// <summary>The same a + b as a .NET script with System.Numerics.Tensors.</summary>
    [Benchmark]
    public AiTensor[] StoreRunDotNetScript() => _store.RunScript("dotnet-script", "bar", [_a, _b]);
}
