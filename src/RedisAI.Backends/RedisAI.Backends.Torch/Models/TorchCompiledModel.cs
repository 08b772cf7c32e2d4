using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace RedisAI.Backends.Torch;

/// <summary>
/// One loaded TorchScript module. Runs its <c>forward</c> with gradients off, on torch tensors that borrow the
/// store's input buffers; every native tensor of a run is freed before <see cref="Run"/> returns. Concurrent runs
/// share the module, which libtorch allows for inference.
/// </summary>
internal sealed class TorchCompiledModel : ICompiledModel
{
    private readonly jit.ScriptModule _module;
    private readonly torch.Device _device;
    private readonly string _key;

    // _forwardPosition[i] = the forward parameter that store input i binds to.
    private readonly int[] _forwardPosition;

    public TorchCompiledModel(jit.ScriptModule module, torch.Device device, string key, IReadOnlyList<TensorInfo> inputs, int[] forwardPosition, IReadOnlyList<TensorInfo> outputs)
    {
        _module = module;
        _device = device;
        _key = key;
        _forwardPosition = forwardPosition;
        Inputs = inputs;
        Outputs = outputs;
    }

    public IReadOnlyList<TensorInfo> Inputs { get; }

    public IReadOnlyList<TensorInfo> Outputs { get; }

    public void Run(ReadOnlySpan<AiTensor> inputs, Span<AiTensor> outputs, in RunContext context)
    {
        CancellationToken token = context.CancellationToken;
        token.ThrowIfCancellationRequested();
        using DisposeScope scope = torch.NewDisposeScope();
        using IDisposable noGrad = torch.no_grad();
        object[] arguments = new object[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            arguments[_forwardPosition[i]] = TorchTensors.ToTorch(inputs[i], _device, $"input {i} ('{Inputs[i].Name}') of model '{_key}'");
        }

        object result;
        try
        {
            result = _module.forward(arguments);
        }
        catch (ExternalException ex)
        {
            throw new AiBackendException(AiErrorCode.ExecutionFailed, $"model '{_key}' failed in TorchScript: {TorchErrors.Clean(ex.Message)}", ex);
        }

        // libtorch cannot be interrupted; a run that outlived its deadline is discarded, as a stopped one would be.
        token.ThrowIfCancellationRequested();
        var tensors = new List<Tensor>(outputs.Length);
        if (!TorchTensors.TryFlatten(result, tensors))
        {
            throw new AiBackendException(AiErrorCode.ExecutionFailed, $"model '{_key}' returned a value that is not a tensor, or a tuple or list of tensors");
        }

        if (tensors.Count != outputs.Length)
        {
            throw new AiBackendException(
                AiErrorCode.ExecutionFailed,
                $"model '{_key}' returned {tensors.Count} tensor(s) but declares {outputs.Length} output(s); declare the outputs with ModelOptions.Outputs when forward returns a list");
        }

        for (int i = 0; i < tensors.Count; i++)
        {
            outputs[i] = TorchTensors.ToStore(tensors[i], $"output {i} of model '{_key}'");
        }
    }

    public void Dispose() => _module.Dispose();
}
