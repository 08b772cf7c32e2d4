using RedisAI;
using RedisAI.Backends.Onnx;

// One store per app: tensors, models and scripts live in it, next to your code.
using var store = new AiStore(new OnnxRuntimeBackend());

// classifier.onnx: a small 4 -> 16 -> 3 network (made by tests/RedisAI.Testing.Onnx: TestModels.Mlp([4, 16, 3], 42)).
ModelInfo model = await store.StoreModelFromFileAsync(
    "classifier",
    Path.Combine(AppContext.BaseDirectory, "classifier.onnx"),
    new ModelOptions { Backend = "ONNX", Tag = "v1" });
Console.WriteLine($"Stored model '{model.Key}' ({model.Backend} on {model.Device}): inputs [{string.Join(", ", model.Inputs)}], outputs [{string.Join(", ", model.Outputs)}]");

// Tensors go in under keys; the store keeps them as they are (no serialization).
store.SetTensor("features", AiTensor.Create<float>([5.1f, 3.5f, 1.4f, 0.2f, 6.7f, 3.0f, 5.2f, 2.3f], 2, 4));

// Run the model on keys, as AI.MODELEXECUTE does: inputs by key, outputs written to keys.
await store.ExecuteModelAsync("classifier", ["features"], ["scores"]);
AiTensor scores = store.GetTensor("scores");
Console.WriteLine($"scores: {scores}");
ReadOnlySpan<float> values = scores.GetData<float>(); // a view of the stored data, no copy
for (int row = 0; row < scores.Shape[0]; row++)
{
    ReadOnlySpan<float> r = values.Slice(row * 3, 3);
    Console.WriteLine($"  row {row}: [{r[0]:F4}, {r[1]:F4}, {r[2]:F4}] -> class {System.Numerics.Tensors.TensorPrimitives.IndexOfMax(r)}");
}

// Or run it directly on in-memory tensors, with no keys at all.
AiTensor[] direct = store.RunModel("classifier", [AiTensor.Create<float>([5.1f, 3.5f, 1.4f, 0.2f], 1, 4)]);
Console.WriteLine($"direct run, row 0 again: [{string.Join(", ", direct[0].GetData<float>().ToArray().Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}]");

MemoryUsage usage = store.GetMemoryUsage();
Console.WriteLine($"store holds {usage.TensorCount} tensors ({usage.TensorBytes} bytes) and {usage.ModelCount} model ({usage.ModelBytes} bytes)");
