using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace RedisAI.Backends.Torch;

/// <summary>
/// Store tensors to torch tensors and back. Inputs borrow the store's buffers, pinned (no copy on CPU); outputs are
/// copied once, from libtorch's storage into a buffer the store owns. Every torch tensor made here belongs to the
/// caller's <see cref="DisposeScope"/>.
/// </summary>
internal static class TorchTensors
{
    /// <summary>A torch tensor over <paramref name="tensor"/> on <paramref name="device"/>.</summary>
    /// <exception cref="AiArgumentException">TorchScript cannot take the data type.</exception>
    public static Tensor ToTorch(AiTensor tensor, torch.Device device, string what)
    {
        ScalarType type = ToScalarType(tensor.DataType) ?? throw new AiArgumentException(
            $"{what} is a {DataTypes.GetName(tensor.DataType)} tensor, which TORCH cannot take (it takes FLOAT, DOUBLE, INT8, INT16, INT32, INT64, UINT8, BOOL, FLOAT16 and BFLOAT16)");
        Tensor cpu = TorchNative.FromBuffer(tensor, type);
        return device.type == DeviceType.CPU ? cpu : cpu.to(device);
    }

    /// <summary>Copies a torch tensor (any device, any strides) into a new store tensor.</summary>
    /// <exception cref="AiBackendException">The store cannot hold the tensor's data type.</exception>
    public static AiTensor ToStore(Tensor tensor, string what)
    {
        DataType type = ToDataType(tensor.dtype) ?? throw new AiBackendException(
            AiErrorCode.ExecutionFailed, $"{what} is a {tensor.dtype} tensor, which the store cannot hold");
        Tensor source = tensor.device_type == DeviceType.CPU ? tensor : tensor.cpu();
        if (!source.is_contiguous())
        {
            source = source.contiguous();
        }

        TensorWriter writer = AiTensor.Allocate(type, new TensorShape(source.shape));
        if (writer.Bytes.Length > 0)
        {
            source.bytes.CopyTo(writer.Bytes);
        }

        return writer.Complete();
    }

    /// <summary>
    /// Collects the tensors of a TorchSharp result in order: a tensor, a tuple or a list of them (nested ones
    /// flattened). Returns false when it holds anything else.
    /// </summary>
    public static bool TryFlatten(object? result, List<Tensor> tensors)
    {
        switch (result)
        {
            case Tensor tensor:
                tensors.Add(tensor);
                return true;
            case Tensor[] array:
                tensors.AddRange(array);
                return true;
            case ITuple tuple:
                bool allTensors = true;
                for (int i = 0; i < tuple.Length; i++)
                {
                    allTensors &= TryFlatten(tuple[i], tensors);
                }

                return allTensors;
            case object[] items:
                bool all = true;
                foreach (object? item in items)
                {
                    all &= TryFlatten(item, tensors);
                }

                return all;
            default:
                (result as IDisposable)?.Dispose(); // a Scalar holds a native handle too
                return false;
        }
    }

    public static ScalarType? ToScalarType(DataType type) => type switch
    {
        DataType.Float => ScalarType.Float32,
        DataType.Double => ScalarType.Float64,
        DataType.Int8 => ScalarType.Int8,
        DataType.Int16 => ScalarType.Int16,
        DataType.Int32 => ScalarType.Int32,
        DataType.Int64 => ScalarType.Int64,
        DataType.UInt8 => ScalarType.Byte,
        DataType.Bool => ScalarType.Bool,
        DataType.Float16 => ScalarType.Float16,
        DataType.BFloat16 => ScalarType.BFloat16,
        _ => null,
    };

    public static DataType? ToDataType(ScalarType type) => type switch
    {
        ScalarType.Float32 => DataType.Float,
        ScalarType.Float64 => DataType.Double,
        ScalarType.Int8 => DataType.Int8,
        ScalarType.Int16 => DataType.Int16,
        ScalarType.Int32 => DataType.Int32,
        ScalarType.Int64 => DataType.Int64,
        ScalarType.Byte => DataType.UInt8,
        ScalarType.Bool => DataType.Bool,
        ScalarType.Float16 => DataType.Float16,
        ScalarType.BFloat16 => DataType.BFloat16,
        _ => null,
    };
}
