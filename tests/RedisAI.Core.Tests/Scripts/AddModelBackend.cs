using RedisAI.Backends;

namespace RedisAI.Core.Tests.Scripts;

/// <summary>A minimal model backend for script tests: every model adds two FLOAT tensors of the same shape.</summary>
internal sealed class AddModelBackend : IModelBackend
{
    public const string BackendName = "ADD";

    public string Name => BackendName;

    public ICompiledModel Load(ReadOnlyMemory<byte> model, ModelLoadContext context) => new AddModel();

    private sealed class AddModel : ICompiledModel
    {
        public IReadOnlyList<TensorInfo> Inputs { get; } = [new("a", DataType.Float, null), new("b", DataType.Float, null)];

        public IReadOnlyList<TensorInfo> Outputs { get; } = [new("sum", DataType.Float, null)];

        public void Run(ReadOnlySpan<AiTensor> inputs, Span<AiTensor> outputs, in RunContext context)
        {
            ReadOnlySpan<float> a = inputs[0].GetData<float>();
            ReadOnlySpan<float> b = inputs[1].GetData<float>();
            TensorWriter sum = AiTensor.Allocate(DataType.Float, inputs[0].Shape);
            Span<float> target = sum.GetSpan<float>();
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = a[i] + b[i];
            }

            outputs[0] = sum.Complete();
        }

        public void Dispose()
        {
        }
    }
}
