using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RedisAI.Backends.Onnx.TensorProtos;

namespace RedisAI.Backends.Onnx;

/// <summary>
/// One ONNX Runtime session. Inputs are passed to ONNX Runtime as views over the store's pinned tensor memory
/// (no copy). Outputs are written by ONNX Runtime straight into store tensors when their shapes are known from an
/// earlier run with the same input shapes (<see cref="OutputShapeMemo"/>), else copied once from ONNX Runtime's
/// results. Concurrent runs share the session, which ONNX Runtime allows.
/// </summary>
internal sealed class OnnxCompiledModel : ICompiledModel
{
    private static readonly byte[] Sentinels = [0xA5, 0x5A];

    // Each run needs its own RunOptions so Terminate stops only that run; they are reused unless terminated.
    private readonly ConcurrentBag<RunOptions> _runOptionsPool = [];
    private readonly OutputShapeMemo _outputShapes = new();
    private readonly InferenceSession _session;
    private readonly string _key;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly string? _logId;

    /// <param name="session">The session; disposed with this model.</param>
    /// <param name="context">The load request.</param>
    /// <param name="model">The bytes <paramref name="session"/> was created from, read only here.</param>
    /// <param name="logId">The session's <see cref="OnnxRuntimeLog"/> registration, ended with this model; null if none.</param>
    public OnnxCompiledModel(InferenceSession session, ModelLoadContext context, ReadOnlySpan<byte> model, string? logId)
    {
        _session = session;
        _logId = logId;
        _key = context.Key;
        _inputNames = SelectNames("input", context.Inputs, session.InputNames);
        _outputNames = SelectNames("output", context.Outputs, session.OutputNames);
        HashSet<string>? scalars = null;
        Inputs = Describe("input", _inputNames, session.InputMetadata, model, ref scalars);
        Outputs = Describe("output", _outputNames, session.OutputMetadata, model, ref scalars);
    }

    public IReadOnlyList<TensorInfo> Inputs { get; }

    public IReadOnlyList<TensorInfo> Outputs { get; }

    public void Run(ReadOnlySpan<AiTensor> inputs, Span<AiTensor> outputs, in RunContext context)
    {
        CancellationToken token = context.CancellationToken;
        token.ThrowIfCancellationRequested();
        OutputShapeMemo.Plan? plan = _outputShapes.Find(inputs);
        RunOptions runOptions = _runOptionsPool.TryTake(out var pooled) ? pooled : new RunOptions();
        var feeds = new OrtValueViews(inputs.Length);
        try
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                feeds.AddInput(inputs[i], plan?.InputShapes[i] ?? inputs[i].Shape.Dimensions.ToArray());
            }

            using (token.UnsafeRegister(static state => ((RunOptions)state!).Terminate = true, runOptions))
            {
                BoundRun bound = plan is null ? BoundRun.NotBound : RunBound(plan, runOptions, feeds.Values, outputs, token);
                if (bound != BoundRun.Completed)
                {
                    RunUnbound(runOptions, feeds.Values, outputs);
                }

                if (bound == BoundRun.Rejected)
                {
                    // The same inputs ran unbound, so binding is what failed: this model's output shapes depend on
                    // input values, not only on input shapes, or it returns a graph input as an output. (A failure of
                    // the model itself fails the unbound run too, which reports it.)
                    _outputShapes.Disable();
                }
                else if (plan is null)
                {
                    _outputShapes.Remember(inputs, outputs);
                }
            }
        }
        catch (OnnxRuntimeException ex) when (token.IsCancellationRequested)
        {
            throw new OperationCanceledException($"model '{_key}' was stopped: {ex.Message}", ex, token);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new AiBackendException(AiErrorCode.ExecutionFailed, $"model '{_key}' failed in ONNX Runtime: {ex.Message}", ex);
        }
        finally
        {
            feeds.Dispose();
            if (runOptions.Terminate)
            {
                runOptions.Dispose();
            }
            else
            {
                _runOptionsPool.Add(runOptions);
            }
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        while (_runOptionsPool.TryTake(out var runOptions))
        {
            runOptions.Dispose();
        }

        if (_logId is not null)
        {
            OnnxRuntimeLog.Unregister(_logId);
        }
    }

    /// <summary>
    /// Runs with outputs the store allocated, in the shapes <paramref name="plan"/> predicts, so ONNX Runtime writes
    /// results straight into store tensors.
    /// </summary>
    private BoundRun RunBound(OutputShapeMemo.Plan plan, RunOptions runOptions, OrtValue[] feeds, Span<AiTensor> outputs, CancellationToken token)
    {
        var writers = new TensorWriter[plan.OutputTypes.Length];
        var fetches = new OrtValueViews(writers.Length);
        try
        {
            for (int i = 0; i < writers.Length; i++)
            {
                writers[i] = AiTensor.Allocate(plan.OutputTypes[i], plan.OutputShapes[i]);
                if (!fetches.TryAddOutput(writers[i], plan.OutputDimensions[i]))
                {
                    return BoundRun.NotBound;
                }
            }

            if (plan.Verified)
            {
                _session.Run(runOptions, _inputNames, feeds, _outputNames, fetches.Values);
            }
            else if (RunVerifying(runOptions, feeds, fetches.Values, writers))
            {
                plan.Verified = true;
            }
            else
            {
                return BoundRun.Rejected;
            }
        }
        catch (OnnxRuntimeException) when (!token.IsCancellationRequested)
        {
            // Any failure: the caller runs again unbound, which either succeeds or reports the real error.
            return BoundRun.Rejected;
        }
        finally
        {
            fetches.Dispose();
        }

        for (int i = 0; i < writers.Length; i++)
        {
            outputs[i] = writers[i].Complete();
        }

        return BoundRun.Completed;
    }

    /// <summary>
    /// A plan's first bound run, which checks that ONNX Runtime wrote every output. It does not when an output is one
    /// of the graph's inputs: ONNX Runtime hands back the input instead, and the bound buffer keeps what it held. That
    /// depends on the graph, not on the data, so one check per plan is enough. The buffers are filled with a sentinel
    /// first; a buffer still all sentinel is run again with another, since a real result can match one but not both.
    /// </summary>
    private bool RunVerifying(RunOptions runOptions, OrtValue[] feeds, OrtValue[] fetches, TensorWriter[] writers)
    {
        foreach (byte sentinel in Sentinels)
        {
            foreach (TensorWriter writer in writers)
            {
                writer.Bytes.Fill(sentinel);
            }

            _session.Run(runOptions, _inputNames, feeds, _outputNames, fetches);
            if (!Array.Exists(writers, writer => !writer.Bytes.ContainsAnyExcept(sentinel)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Runs with outputs ONNX Runtime allocates, and copies them into store tensors.</summary>
    private void RunUnbound(RunOptions runOptions, OrtValue[] values, Span<AiTensor> outputs)
    {
        using var results = _session.Run(runOptions, _inputNames, values, _outputNames);
        int index = 0;
        foreach (OrtValue result in results)
        {
            outputs[index] = ToTensor(result, index);
            index++;
        }
    }

    private AiTensor ToTensor(OrtValue value, int index)
    {
        if (!value.IsTensor)
        {
            throw new AiBackendException(AiErrorCode.ExecutionFailed, $"output {index} ('{_outputNames[index]}') of model '{_key}' is a {value.OnnxType}, not a tensor");
        }

        var info = value.GetTensorTypeAndShape();
        if (!OnnxTypes.TryToDataType(info.ElementDataType, out DataType dataType))
        {
            throw new AiBackendException(AiErrorCode.ExecutionFailed, $"output {index} ('{_outputNames[index]}') of model '{_key}' has element type {info.ElementDataType}, which the store cannot hold");
        }

        var shape = new TensorShape(info.Shape);
        if (dataType == DataType.String)
        {
            return ToStringTensor(value, shape);
        }

        TensorWriter writer = AiTensor.Allocate(dataType, shape);
        value.GetTensorMutableRawData().CopyTo(writer.Bytes);
        return writer.Complete();
    }

    private static AiTensor ToStringTensor(OrtValue value, TensorShape shape)
    {
        int count = checked((int)shape.ElementCount);
        int total = 0;
        for (int i = 0; i < count; i++)
        {
            total = checked(total + value.GetStringElementAsSpan(i).Length + 1);
        }

        byte[] blob = new byte[total];
        int position = 0;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> element = value.GetStringElementAsSpan(i);
            element.CopyTo(blob.AsSpan(position));
            position += element.Length;
            blob[position++] = 0;
        }

        return AiTensor.FromBytes(DataType.String, shape, blob);
    }

    private enum BoundRun
    {
        /// <summary>Outputs could not be bound (no prediction, or a buffer not aligned); nothing ran.</summary>
        NotBound,

        /// <summary>ONNX Runtime rejected the run with bound outputs, or did not write them in place.</summary>
        Rejected,

        Completed,
    }

    private string[] SelectNames(string kind, IReadOnlyList<string>? requested, IReadOnlyList<string> available)
    {
        if (requested is null)
        {
            return [.. available];
        }

        foreach (string name in requested)
        {
            if (!available.Contains(name))
            {
                throw new AiBackendException(
                    AiErrorCode.InvalidModel,
                    $"model '{_key}' has no {kind} named '{name}'; its {kind}s are: {string.Join(", ", available)}");
            }
        }

        return [.. requested];
    }

    private TensorInfo[] Describe(
        string kind, string[] names, IReadOnlyDictionary<string, NodeMetadata> metadata, ReadOnlySpan<byte> model, ref HashSet<string>? scalars)
    {
        var infos = new TensorInfo[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            NodeMetadata node = metadata[names[i]];
            if (!node.IsTensor)
            {
                throw new AiBackendException(
                    AiErrorCode.InvalidModel,
                    $"{kind} '{names[i]}' of model '{_key}' is a {node.OnnxValueType}; the store carries tensors only. Choose tensor {kind}s with ModelOptions.{(kind == "input" ? "Inputs" : "Outputs")}.");
            }

            if (!OnnxTypes.TryToDataType(node.ElementDataType, out DataType dataType))
            {
                throw new AiBackendException(
                    AiErrorCode.InvalidModel,
                    $"{kind} '{names[i]}' of model '{_key}' has element type {node.ElementDataType}, which the store cannot hold");
            }

            long[]? dims;
            if (node.Dimensions.Length > 0)
            {
                dims = Array.ConvertAll(node.Dimensions, d => (long)d);
            }
            else
            {
                // ONNX Runtime reports an undeclared shape as rank 0, like a scalar: only the model tells them apart.
                // An undeclared shape stays unknown so the store does not reject tensors the model accepts (ONNX
                // Runtime still checks them).
                scalars ??= DeclaredScalars.Find(model);
                dims = scalars.Contains(names[i]) ? [] : null;
            }

            infos[i] = new TensorInfo(names[i], dataType, dims);
        }

        return infos;
    }
}
