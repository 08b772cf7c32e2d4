using RedisAI.Backends.Onnx;

namespace RedisAI.Backends.Onnx.Tests;

/// <summary>Helpers shared by the ONNX tests: a store with the real ONNX Runtime backend.</summary>
internal static class Onnx
{
    public static ModelOptions Options => new() { Backend = OnnxRuntimeBackend.BackendName };

    public static AiStore CreateStore(AiStoreOptions? options = null, TimeProvider? time = null) =>
        new(options, [new OnnxRuntimeBackend()], timeProvider: time);

    public static AiTensor Floats(params float[] values) => AiTensor.Create<float>(values, 2, values.Length / 2);
}
