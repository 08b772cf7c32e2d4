using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace RedisAI.Backends.Onnx;

/// <summary>
/// Runs ONNX and ONNX-ML models through ONNX Runtime: on the CPU always, on CUDA GPUs when the app references
/// <c>Microsoft.ML.OnnxRuntime.Gpu</c> and a GPU is present. Register one instance with a store.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class OnnxRuntimeBackend : IModelBackend
{
    /// <summary>The name models use to pick this backend.</summary>
    public const string BackendName = "ONNX";

    private const string CudaProvider = "CUDAExecutionProvider";
    private readonly OnnxRuntimeBackendOptions _options;

    /// <summary>Creates the backend.</summary>
    public OnnxRuntimeBackend(OnnxRuntimeBackendOptions? options = null) => _options = options ?? new OnnxRuntimeBackendOptions();

    /// <inheritdoc />
    public string Name => BackendName;

    /// <summary>The execution providers of the ONNX Runtime build the app loaded (for example <c>CPUExecutionProvider</c>).</summary>
    /// <exception cref="AiBackendException">The native ONNX Runtime library cannot be loaded.</exception>
    public static IReadOnlyList<string> GetAvailableProviders() => Native(() => OrtEnv.Instance().GetAvailableProviders());

    /// <summary>The version of the loaded ONNX Runtime.</summary>
    /// <exception cref="AiBackendException">The native ONNX Runtime library cannot be loaded.</exception>
    public static string GetVersion() => Native(() => OrtEnv.Instance().GetVersionString());

    /// <inheritdoc />
    public ICompiledModel Load(ReadOnlyMemory<byte> model, ModelLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using SessionOptions sessionOptions = Native(() => new SessionOptions());
        Configure(sessionOptions, context);
        byte[] bytes = MemoryMarshal.TryGetArray(model, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : model.ToArray();
        InferenceSession session;
        try
        {
            session = new InferenceSession(bytes, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new AiBackendException(AiErrorCode.InvalidModel, $"ONNX Runtime could not load model '{context.Key}': {ex.Message}", ex);
        }

        try
        {
            return new OnnxCompiledModel(session, context, bytes);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private void Configure(SessionOptions sessionOptions, ModelLoadContext context)
    {
        sessionOptions.GraphOptimizationLevel = _options.GraphOptimizationLevel;
        int intra = _options.IntraOpThreads ?? context.IntraOpThreads;
        int inter = _options.InterOpThreads ?? context.InterOpThreads;
        if (intra > 0)
        {
            sessionOptions.IntraOpNumThreads = intra;
        }

        if (inter > 0)
        {
            sessionOptions.InterOpNumThreads = inter;
            sessionOptions.ExecutionMode = ExecutionMode.ORT_PARALLEL;
        }

        if (context.Device.IsGpu)
        {
            AddCuda(sessionOptions, context);
        }

        _options.ConfigureSession?.Invoke(sessionOptions);
    }

    private void AddCuda(SessionOptions sessionOptions, ModelLoadContext context)
    {
        if (!GetAvailableProviders().Contains(CudaProvider))
        {
            throw new AiBackendException(
                AiErrorCode.DeviceUnavailable,
                $"GPU requested for model '{context.Key}' ({context.Device}) but ONNX Runtime couldn't find CUDA: the loaded runtime has only {string.Join(", ", GetAvailableProviders())}. Reference Microsoft.ML.OnnxRuntime.Gpu instead of Microsoft.ML.OnnxRuntime and install CUDA.");
        }

        try
        {
            using var cuda = new OrtCUDAProviderOptions();
            var settings = new Dictionary<string, string> { ["device_id"] = context.Device.Ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (_options.GpuMemoryLimit is { } limit)
            {
                settings["gpu_mem_limit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            cuda.UpdateOptions(settings);
            sessionOptions.AppendExecutionProvider_CUDA(cuda);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new AiBackendException(AiErrorCode.DeviceUnavailable, $"GPU requested for model '{context.Key}' but CUDA device {context.Device} cannot be used: {ex.Message}", ex);
        }
    }

    private static T Native<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            throw new AiBackendException(
                AiErrorCode.BackendUnavailable,
                $"the ONNX Runtime native library could not be loaded ({ex.GetBaseException().Message}). Reference Microsoft.ML.OnnxRuntime (CPU) or Microsoft.ML.OnnxRuntime.Gpu (CUDA) in the app.",
                ex);
        }
    }
}
