namespace RedisAI.Backends.Onnx.TensorProtos;

/// <summary>
/// Reads and writes ONNX <c>TensorProto</c> messages as store tensors: the <c>input_N.pb</c> and <c>output_N.pb</c>
/// files of ONNX test data, and tensors saved with <c>onnx.save_tensor</c> or <c>onnx.numpy_helper.from_array</c>.
/// </summary>
/// <remarks>
/// <para>Reading accepts every store data type (FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT8 to INT64, UINT8 to UINT64,
/// BOOL, STRING) with its values in <c>raw_data</c> or in the typed field onnx.proto assigns it (<c>float_data</c>,
/// <c>int32_data</c>, <c>int64_data</c>, <c>double_data</c>, <c>uint64_data</c>, <c>string_data</c>), packed or
/// not. Values are copied bit for bit: float NaN payloads and STRING bytes that are not valid UTF-8 are kept.</para>
/// <para>Reading rejects, with an <see cref="AiArgumentException"/> that says what was wrong and at which byte: ONNX types
/// the store has no data type for (COMPLEX64, COMPLEX128, the FLOAT8 and 4-bit types), data kept in another file
/// (<c>data_location</c> EXTERNAL or <c>external_data</c>), segmented tensors, a value count or <c>raw_data</c> length
/// that does not match <c>dims</c>, values outside their type's range, and STRING elements holding a NUL byte (store
/// strings are NUL-terminated).</para>
/// <para>Writing puts <c>dims</c>, <c>data_type</c>, <c>name</c> when given, and the values in <c>raw_data</c>
/// (little-endian) or, for STRING, <c>string_data</c>, as onnx.numpy_helper.from_array does.</para>
/// <para>Thread-safe: the class keeps no state.</para>
/// </remarks>
public static class OnnxTensorFile
{
    private const string MessageSource = "invalid ONNX TensorProto";

    /// <summary>Parses a serialized <c>TensorProto</c>.</summary>
    /// <param name="bytes">The message; only read during the call.</param>
    /// <returns>A new tensor holding a copy of the values.</returns>
    /// <exception cref="AiArgumentException">The bytes are not a <c>TensorProto</c> the store can hold (see the remarks on <see cref="OnnxTensorFile"/>).</exception>
    public static AiTensor Read(ReadOnlySpan<byte> bytes) => TensorProtoReader.Read(bytes, MessageSource, out _);

    /// <summary>Parses a serialized <c>TensorProto</c> and returns its <c>name</c> too.</summary>
    /// <param name="bytes">The message; only read during the call.</param>
    /// <param name="name">The tensor's name (for test data, the model input or output it belongs to); <see langword="null"/> when the message has none.</param>
    /// <returns>A new tensor holding a copy of the values.</returns>
    /// <exception cref="AiArgumentException">The bytes are not a <c>TensorProto</c> the store can hold.</exception>
    public static AiTensor Read(ReadOnlySpan<byte> bytes, out string? name) => TensorProtoReader.Read(bytes, MessageSource, out name);

    /// <summary>Reads a <c>TensorProto</c> file (such as <c>test_data_set_0/input_0.pb</c>).</summary>
    /// <param name="path">The file.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="AiArgumentException">The file cannot be read, or is not a <c>TensorProto</c> the store can hold; the message names the file.</exception>
    public static AiTensor ReadFile(string path) => ReadFile(path, out _);

    /// <summary>Reads a <c>TensorProto</c> file and returns its <c>name</c> too.</summary>
    /// <param name="path">The file.</param>
    /// <param name="name">The tensor's name; <see langword="null"/> when the file has none.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="AiArgumentException">The file cannot be read, or is not a <c>TensorProto</c> the store can hold; the message names the file.</exception>
    public static AiTensor ReadFile(string path, out string? name)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new AiArgumentException($"cannot read ONNX tensor file '{path}': {ex.Message}", ex);
        }

        return TensorProtoReader.Read(bytes, $"invalid ONNX TensorProto file '{path}'", out name);
    }

    /// <summary>Serializes a tensor as a <c>TensorProto</c>.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="name">The <c>name</c> to record (for test data, the model input or output); none when <see langword="null"/>.</param>
    /// <returns>The message bytes.</returns>
    /// <exception cref="AiArgumentException">The message would be larger than an array can hold.</exception>
    public static byte[] Write(AiTensor tensor, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return TensorProtoWriter.Write(tensor, name);
    }

    /// <summary>Writes a tensor to a <c>TensorProto</c> file, replacing the file if it exists.</summary>
    /// <param name="path">The file.</param>
    /// <param name="tensor">The tensor.</param>
    /// <param name="name">The <c>name</c> to record; none when <see langword="null"/>.</param>
    /// <exception cref="AiArgumentException">The file cannot be written, or the message would be too large.</exception>
    public static void WriteFile(string path, AiTensor tensor, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = Write(tensor, name);
        try
        {
            File.WriteAllBytes(path, bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new AiArgumentException($"cannot write ONNX tensor file '{path}': {ex.Message}", ex);
        }
    }
}
