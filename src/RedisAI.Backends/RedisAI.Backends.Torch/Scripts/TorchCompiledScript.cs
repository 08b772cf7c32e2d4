using System.Collections.Frozen;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace RedisAI.Backends.Torch;

/// <summary>
/// A compiled TorchScript script (a TorchScript compilation unit with the generated entry point wrappers). Runs
/// with gradients off; every native tensor of a run is freed before <see cref="Run"/> returns. Concurrent runs
/// share the unit.
/// </summary>
internal sealed class TorchCompiledScript(jit.CompilationUnit unit, torch.Device device, string key, IReadOnlyList<string> entryPoints) : ICompiledScript
{
    // Only wrappers that exist may be invoked: invoking a missing function crashes LibTorchSharp.
    private readonly FrozenDictionary<string, string> _wrappers = entryPoints.ToFrozenDictionary(e => e, TorchScriptAdapter.WrapperName, StringComparer.Ordinal);

    public AiTensor[] Run(string entryPoint, ReadOnlySpan<AiTensor> inputs, IReadOnlyList<string> keys, IReadOnlyList<ScriptArgument> args, in ScriptRunContext context)
    {
        CancellationToken token = context.CancellationToken;
        token.ThrowIfCancellationRequested();
        if (!_wrappers.TryGetValue(entryPoint, out string? wrapper))
        {
            throw new AiArgumentException($"Function does not exist: {entryPoint} is not an entry point of script '{key}'");
        }

        if (inputs.Length > TorchScriptAdapter.MaxInputs)
        {
            throw new AiArgumentException(
                $"script '{key}' function '{entryPoint}' was given {inputs.Length} input tensors; a TorchScript script call takes at most {TorchScriptAdapter.MaxInputs}");
        }

        using DisposeScope scope = torch.NewDisposeScope();
        using IDisposable noGrad = torch.no_grad();
        object[] arguments = new object[2 + inputs.Length];
        arguments[0] = TorchScriptAdapter.Encode(keys);
        arguments[1] = TorchScriptAdapter.Encode(args);
        for (int i = 0; i < inputs.Length; i++)
        {
            arguments[2 + i] = TorchTensors.ToTorch(inputs[i], device, $"input {i} of script '{key}'");
        }

        object result;
        try
        {
            result = unit.invoke(wrapper, arguments);
        }
        catch (ExternalException ex)
        {
            throw new AiBackendException(AiErrorCode.ExecutionFailed, $"script '{key}' function '{entryPoint}' failed in TorchScript: {TorchErrors.Clean(ex.Message)}", ex);
        }

        token.ThrowIfCancellationRequested();
        var tensors = new List<Tensor>();
        if (!TorchTensors.TryFlatten(result, tensors))
        {
            throw new AiBackendException(
                AiErrorCode.ExecutionFailed,
                $"Function returned non-tensor values{entryPoint}: script '{key}' must return a tensor, or a tuple or list of tensors");
        }

        var outputs = new AiTensor[tensors.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = TorchTensors.ToStore(tensors[i], $"output {i} of script '{key}' function '{entryPoint}'");
        }

        return outputs;
    }

    public void Dispose() => unit.Dispose();
}
