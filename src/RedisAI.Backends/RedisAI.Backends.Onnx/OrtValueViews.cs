using System.Buffers;
using Microsoft.ML.OnnxRuntime;

namespace RedisAI.Backends.Onnx;

/// <summary>
/// ONNX Runtime values over store memory for one run, and the pins that hold that memory in place until the run ends.
/// All data is 64-byte aligned, as in ONNX Runtime's own buffers, since some kernels' results depend on alignment.
/// Disposing releases the values and the pins.
/// </summary>
internal sealed unsafe class OrtValueViews : IDisposable
{
    private const int Alignment = 64;

    private readonly MemoryHandle[] _pins;
    private readonly AiTensor?[] _inputs;
    private int _count;

    public OrtValueViews(int capacity)
    {
        Values = new OrtValue[capacity];
        _pins = new MemoryHandle[capacity];
        _inputs = new AiTensor?[capacity];
    }

    /// <summary>The values, in the order they were added.</summary>
    public OrtValue[] Values { get; }

    /// <summary>
    /// Adds a read-only view of an input (STRING tensors are copied into ONNX Runtime's own form). An input that
    /// appeared before shares its value.
    /// </summary>
    public void AddInput(AiTensor tensor, long[] shape)
    {
        int index = _count++;
        _inputs[index] = tensor;
        int earlier = Array.IndexOf(_inputs, tensor, 0, index);
        if (earlier >= 0)
        {
            // Disposing a value twice is harmless.
            Values[index] = Values[earlier];
            return;
        }

        if (tensor.DataType == DataType.String)
        {
            Values[index] = CreateStrings(tensor, shape);
            return;
        }

        // AiTensor.Pin returns aligned data.
        _pins[index] = tensor.Pin();
        Values[index] = Create(_pins[index].Pointer, tensor.DataType, shape, tensor.ByteCount);
    }

    /// <summary>
    /// Adds a view ONNX Runtime writes an output into. False, adding nothing, when the buffer is not aligned (a
    /// collection moved it after it was allocated): the caller lets ONNX Runtime allocate the output instead.
    /// </summary>
    public bool TryAddOutput(TensorWriter writer, long[] shape)
    {
        MemoryHandle pin = writer.Pin();
        if (!IsAligned(pin.Pointer))
        {
            pin.Dispose();
            return false;
        }

        int index = _count++;
        _pins[index] = pin;
        Values[index] = Create(pin.Pointer, writer.DataType, shape, writer.Bytes.Length);
        return true;
    }

    public void Dispose()
    {
        for (int i = 0; i < _count; i++)
        {
            Values[i]?.Dispose();
            _pins[i].Dispose();
        }

        _count = 0;
    }

    private static bool IsAligned(void* address) => (nint)address % Alignment == 0;

    private static OrtValue Create(void* data, DataType dataType, long[] shape, int byteCount) =>
        OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, OnnxTypes.ToElementType(dataType), shape, (nint)data, byteCount);

    private static OrtValue CreateStrings(AiTensor tensor, long[] shape)
    {
        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
        try
        {
            for (int i = 0; i < tensor.ElementCount; i++)
            {
                value.StringTensorSetElementAt(tensor.GetStringUtf8(i), i);
            }

            return value;
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }
}
