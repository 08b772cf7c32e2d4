using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RedisAI.Backends.Onnx;

/// <summary>
/// One ONNX Runtime session. Inputs are passed to ONNX Runtime as views over the store's pinned tensor memory
/// (no copy); outputs are copied once into store-owned tensors. Concurrent runs share the session, which
/// ONNX Runtime allows.
/// </summary>
internal sealed class OnnxCompiledModel : ICompiledModel
{
    // Each run needs its own RunOptions so Terminate stops only that run; they are reused unless terminated.
    private readonly ConcurrentBag<RunOptions> _runOptionsPool = [];
    private readonly InferenceSession _session;
    private readonly string _key;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    public OnnxCompiledModel(InferenceSession session, ModelLoadContext context)
    {
        _session = session;
        _key = context.Key;
        _inputNames = SelectNames("input", context.Inputs, session.InputNames);
        _outputNames = SelectNames("output", context.Outputs, session.OutputNames);
        Inputs = Describe("input", _inputNames, session.InputMetadata);
        Outputs = Describe("output", _outputNames, session.OutputMetadata);
    }

    public IReadOnlyList<TensorInfo> Inputs { get; }

    public IReadOnlyList<TensorInfo> Outputs { get; }

    public void Run(ReadOnlySpan<AiTensor> inputs, Span<AiTensor> outputs, in RunContext context)
    {
        CancellationToken token = context.CancellationToken;
        token.ThrowIfCancellationRequested();
        var values = new OrtValue[inputs.Length];
        RunOptions runOptions = _runOptionsPool.TryTake(out var pooled) ? pooled : new RunOptions();
        try
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = ToOrtValue(inputs[i]);
            }

            using (token.UnsafeRegister(static state => ((RunOptions)state!).Terminate = true, runOptions))
            using (var results = _session.Run(runOptions, _inputNames, values, _outputNames))
            {
                int index = 0;
                foreach (OrtValue result in results)
                {
                    outputs[index] = ToTensor(result, index);
                    index++;
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
            foreach (var value in values)
            {
                value?.Dispose();
            }

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
    }

    private static unsafe OrtValue ToOrtValue(AiTensor tensor)
    {
        long[] shape = tensor.Shape.Dimensions.ToArray();
        if (tensor.DataType == DataType.String)
        {
            var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
            for (int i = 0; i < tensor.ElementCount; i++)
            {
                value.StringTensorSetElementAt(tensor.GetStringUtf8(i), i);
            }

            return value;
        }

        // The tensor's buffer is allocated pinned, and the caller's span keeps the tensor alive for the whole
        // run, so ONNX Runtime reads it in place.
        using var pin = tensor.Pin();
        return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, OnnxTypes.ToElementType(tensor.DataType), shape, (nint)pin.Pointer, tensor.ByteCount);
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

    private TensorInfo[] Describe(string kind, string[] names, IReadOnlyDictionary<string, NodeMetadata> metadata)
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

            // ONNX Runtime reports an undeclared shape as rank 0, like a scalar: treat it as unknown so the
            // store does not reject tensors the model accepts (ONNX Runtime still checks them).
            long[]? dims = node.Dimensions.Length == 0 ? null : Array.ConvertAll(node.Dimensions, d => (long)d);
            infos[i] = new TensorInfo(names[i], dataType, dims);
        }

        return infos;
    }
}
