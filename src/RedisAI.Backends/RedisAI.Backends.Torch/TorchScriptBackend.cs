using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace RedisAI.Backends.Torch;

/// <summary>
/// The TorchScript backend (RedisAI's <c>TORCH</c>), through TorchSharp: runs models saved with
/// <c>torch.jit.save</c> and compiles TorchScript scripts. Register one instance with a store; it serves both
/// (<c>new AiStore(options, [new TorchScriptBackend()])</c>).
/// </summary>
/// <remarks>
/// <para><b>Native runtime.</b> This package depends on TorchSharp only; the app references the libtorch package
/// for its platform (<c>libtorch-cpu-linux-x64</c>, ..., or a <c>libtorch-cuda-*</c> package for GPUs). libtorch
/// loads on first use; if it cannot, calls fail with <see cref="AiErrorCode.BackendUnavailable"/> and the loader's
/// real error.</para>
/// <para><b>Models.</b> Inputs bind by position to <c>forward</c>'s parameters and are named after them (read from
/// the archive's code; <c>input0</c>, <c>input1</c>, ... when it cannot be read); <see cref="ModelOptions.Inputs"/>
/// may reorder them by name. Outputs are unnamed, one per tensor: <c>forward</c>'s return annotation gives the count
/// (<c>Tensor</c> = 1, <c>Tuple[Tensor, ...]</c> = n). When it returns a list, declare the count with
/// <see cref="ModelOptions.Outputs"/> (one name per tensor, which also names the outputs). A run whose result has
/// another count fails. Input and output data types and shapes are not declared by TorchScript, so only counts are
/// checked before a run. A run borrows the stored input tensors without copying them on CPU; a model must not
/// change its inputs in place. Outputs are copied once into store-owned tensors.</para>
/// <para><b>Scripts.</b> Entry points are top-level functions <c>def f(tensors: List[Tensor], keys: List[str],
/// args: List[str])</c>, checked at store time with RedisAI's messages. A call takes at most 32 input tensors; ARGS
/// arrive as strings (<see cref="ScriptArgument.AsString"/>). Scripts cannot call back into the store
/// (RedisAI's <c>redis.execute</c> and <c>redisAI.model_execute</c>); use a <see cref="DotNetScript"/> for that.</para>
/// <para><b>Devices.</b> <c>CPU</c>, or <c>GPU:n</c> when libtorch has CUDA and GPU n exists. On a GPU, inputs are
/// copied to the device and outputs back.</para>
/// <para><b>Threads.</b> libtorch's thread pools are process-wide: <see cref="AiStoreOptions.IntraOpThreads"/> sets
/// the intra-op count for the whole process (the last value wins) and <see cref="AiStoreOptions.InterOpThreads"/>
/// is applied once. A run cannot be interrupted: on timeout the store discards its result when it ends.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class TorchScriptBackend : IModelBackend, IScriptBackend
{
    /// <summary>The name models and scripts use to pick this backend.</summary>
    public const string BackendName = "TORCH";

    /// <inheritdoc cref="IModelBackend.Name" />
    public string Name => BackendName;

    /// <inheritdoc />
    /// <exception cref="AiBackendException">
    /// <see cref="AiErrorCode.InvalidModel"/> for bytes that are not a TorchScript module (with libtorch's message),
    /// <see cref="AiErrorCode.DeviceUnavailable"/> for a GPU without CUDA or one that does not exist,
    /// <see cref="AiErrorCode.BackendUnavailable"/> when libtorch cannot be loaded.
    /// </exception>
    public ICompiledModel Load(ReadOnlyMemory<byte> model, ModelLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        TorchRuntime.EnsureLoaded();
        torch.Device device = TorchRuntime.ToTorchDevice(context.Device, $"model '{context.Key}'");
        TorchRuntime.ApplyThreads(context.IntraOpThreads, context.InterOpThreads);
        byte[] bytes = MemoryMarshal.TryGetArray(model, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : model.ToArray();
        jit.ScriptModule module;
        try
        {
            module = TorchNative.Load(bytes, device);
        }
        catch (TorchScriptException ex)
        {
            throw new AiBackendException(AiErrorCode.InvalidModel, $"TorchScript could not load model '{context.Key}': {ex.Message}", ex);
        }

        try
        {
            PrepareForInference(module);
            return TorchModelBinding.Bind(module, device, bytes, context);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    /// <exception cref="AiBackendException">
    /// <see cref="AiErrorCode.InvalidModel"/> for source that does not compile (with TorchScript's message) or an
    /// entry point that is missing or has the wrong signature; <see cref="AiErrorCode.DeviceUnavailable"/> and
    /// <see cref="AiErrorCode.BackendUnavailable"/> as for models.
    /// </exception>
    public ICompiledScript Compile(string source, ScriptLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(context);
        TorchScriptEntryPoints.Check(source, context.EntryPoints, context.Key);
        TorchRuntime.EnsureLoaded();
        torch.Device device = TorchRuntime.ToTorchDevice(context.Device, $"script '{context.Key}'");
        TorchRuntime.ApplyThreads(context.IntraOpThreads, context.InterOpThreads);
        jit.CompilationUnit unit;
        try
        {
            unit = TorchNative.Compile(source + TorchScriptAdapter.Generate(context.EntryPoints));
        }
        catch (TorchScriptException ex)
        {
            throw new AiBackendException(AiErrorCode.InvalidModel, $"TorchScript could not compile script '{context.Key}': {ex.Message}", ex);
        }

        return new TorchCompiledScript(unit, device, context.Key, context.EntryPoints);
    }

    // Models exported for training keep requires_grad on their parameters, and outputs computed from them would
    // carry autograd history; runs also happen under no_grad, this makes it hold for the module itself.
    private static void PrepareForInference(jit.ScriptModule module)
    {
        module.eval();
        using DisposeScope scope = torch.NewDisposeScope();
        foreach (var parameter in module.parameters())
        {
            parameter.requires_grad = false;
        }
    }
}
