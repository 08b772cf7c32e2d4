using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using RedisAI.Backends.Onnx.TensorProtos;

namespace RedisAI.Backends.Onnx;

/// <summary>
/// Runs ONNX and ONNX-ML models through ONNX Runtime: on the CPU always, on CUDA GPUs when the app references
/// <c>Microsoft.ML.OnnxRuntime.Gpu</c> and a GPU is present. Register one instance with a store.
/// </summary>
/// <remarks>
/// <para>Thread-safe.</para>
/// <para>
/// ONNX Runtime's own log lines (such as its warning about an initializer no node uses) go to the logger factory
/// given here, under the category <c>RedisAI.Backends.Onnx.OnnxRuntime</c>, not to stderr: ONNX Runtime's VERBOSE
/// lines at <see cref="LogLevel.Trace"/>, INFO at <see cref="LogLevel.Debug"/>, WARNING, ERROR and FATAL at
/// <see cref="LogLevel.Warning"/>, <see cref="LogLevel.Error"/> and <see cref="LogLevel.Critical"/>. Each model's
/// session logs from the lowest of these levels the category has enabled when the model is loaded (set on
/// <see cref="SessionOptions.LogSeverityLevel"/> before <see cref="OnnxRuntimeBackendOptions.ConfigureSession"/> runs,
/// which may change it; changing <see cref="SessionOptions.LogId"/> there sends the model's lines to the process-wide
/// logger described next), and its lines name the model.
/// </para>
/// <para>
/// ONNX Runtime has one logging function per process, fixed when its environment is created; the first backend to
/// use ONNX Runtime creates it. Lines that belong to no model of a backend with a logger factory (the environment's
/// own, other sessions' in the process, and those of models of backends created without one) go to the logger
/// factory of the first backend created with one, and are dropped until there is one. If the app created ONNX
/// Runtime's environment before any backend used it (<see cref="OrtEnv.Instance"/> or
/// <see cref="OrtEnv.CreateInstanceWithOptions"/>), ONNX Runtime keeps logging as that environment says, and a
/// backend with a logger factory logs so once, at its first model load.
/// </para>
/// </remarks>
public sealed class OnnxRuntimeBackend : IModelBackend
{
    /// <summary>The name models use to pick this backend.</summary>
    public const string BackendName = "ONNX";

    private const string CudaProvider = "CUDAExecutionProvider";
    private readonly OnnxRuntimeBackendOptions _options;
    private readonly ILogger? _runtimeLogger;
    private int _reportedEnvironment;

    /// <summary>Creates the backend.</summary>
    /// <param name="options">The settings; the defaults when null.</param>
    /// <param name="loggerFactory">
    /// Receives the ONNX Runtime log lines of this backend's models (see the remarks); when null, they go to the first
    /// backend created with one.
    /// </param>
    public OnnxRuntimeBackend(OnnxRuntimeBackendOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        _options = options ?? new OnnxRuntimeBackendOptions();
        if (loggerFactory is not null)
        {
            _runtimeLogger = loggerFactory.CreateLogger(OnnxRuntimeLog.Category);
            OnnxRuntimeLog.OfferFallback(_runtimeLogger);
        }
    }

    /// <inheritdoc />
    public string Name => BackendName;

    /// <summary>The execution providers of the ONNX Runtime build the app loaded (for example <c>CPUExecutionProvider</c>).</summary>
    /// <exception cref="AiBackendException">The native ONNX Runtime library cannot be loaded.</exception>
    public static IReadOnlyList<string> GetAvailableProviders() => Native(() => OrtEnvironment().GetAvailableProviders());

    /// <summary>The version of the loaded ONNX Runtime.</summary>
    /// <exception cref="AiBackendException">The native ONNX Runtime library cannot be loaded.</exception>
    public static string GetVersion() => Native(() => OrtEnvironment().GetVersionString());

    /// <inheritdoc />
    /// <remarks>
    /// A model with a tensor stored as external data is refused with <see cref="AiBackendException"/>
    /// (<see cref="AiErrorCode.InvalidModel"/>) before ONNX Runtime sees it: ONNX Runtime would read that data from
    /// a file on the host, which an untrusted model must not reach.
    /// </remarks>
    public ICompiledModel Load(ReadOnlyMemory<byte> model, ModelLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ExternalDataGuard.Check(model.Span, context.Key);
        bool forwarding = Native(OnnxRuntimeLog.EnsureEnvironment);
        if (!forwarding && _runtimeLogger is not null && Interlocked.Exchange(ref _reportedEnvironment, 1) == 0)
        {
            OnnxRuntimeLog.EnvironmentNotOwned(_runtimeLogger);
        }

        using SessionOptions sessionOptions = Native(() => new SessionOptions());
        string? logId = forwarding ? OnnxRuntimeLog.Register(_runtimeLogger, context.Key) : null;
        try
        {
            if (logId is not null)
            {
                sessionOptions.LogId = logId;
                if (_runtimeLogger is not null)
                {
                    sessionOptions.LogSeverityLevel = OnnxRuntimeLog.SeverityFor(_runtimeLogger);
                }
            }

            Configure(sessionOptions, context);
            byte[] bytes = MemoryMarshal.TryGetArray(model, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                ? segment.Array
                : model.ToArray();
            return CreateModel(bytes, sessionOptions, context, logId);
        }
        catch when (logId is not null)
        {
            OnnxRuntimeLog.Unregister(logId);
            throw;
        }
    }

    private static OnnxCompiledModel CreateModel(byte[] bytes, SessionOptions sessionOptions, ModelLoadContext context, string? logId)
    {
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
            return new OnnxCompiledModel(session, context, bytes, logId);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static OrtEnv OrtEnvironment()
    {
        OnnxRuntimeLog.EnsureEnvironment();
        return OrtEnv.Instance();
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
