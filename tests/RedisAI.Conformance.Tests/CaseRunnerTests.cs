using RedisAI.Backends;
using RedisAI.Backends.Onnx.TensorProtos;
using RedisAI.Conformance.Tests.TensorProtos;

namespace RedisAI.Conformance.Tests;

public sealed class CaseRunnerTests : IDisposable
{
    private readonly string _corpus = Path.Combine(Path.GetTempPath(), $"conformance-{Guid.NewGuid():N}", "suite");
    private readonly CaseRunner _runner = new(Tolerance.OnnxDefault, TimeSpan.FromSeconds(30));

    public static TheoryData<DataType> AllDataTypes() => [.. DataTypes.All];

    [Theory]
    [MemberData(nameof(AllDataTypes))]
    public void Run_IdentityOfEveryDataType_PassesBothBitForBit(DataType type)
    {
        AiTensor tensor = OnnxTensorFileTests.SampleTensor(type);
        CorpusCase corpusCase = WriteCase($"identity_{type}", IdentityModel(type), tensor, tensor);

        CaseResult result = _runner.Run(corpusCase);

        Assert.Equal(Outcome.Passed, result.Outcome);
        Assert.False(result.OutputsDiffer);
    }

    [Fact]
    public void Run_WrongExpectedOutput_FailsBoth()
    {
        CorpusCase corpusCase = WriteCase("wrong", IdentityModel(DataType.Int32), AiTensor.Create<int>([1, 2], 2), AiTensor.Create<int>([1, 3], 2));

        CaseResult result = _runner.Run(corpusCase);

        Assert.Equal(Outcome.FailsBoth, result.Outcome);
        Assert.Contains("element 1 is 2, expected 3", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_StoreReturningWrongOutput_IsStoreOnlyFailure()
    {
        using var runner = new CaseRunner(Tolerance.OnnxDefault, TimeSpan.FromSeconds(30), new ZeroingBackend(CaseRunner.CreateBackend()));
        CorpusCase corpusCase = WriteCase("corrupted", IdentityModel(DataType.Int32), AiTensor.Create<int>([1, 2], 2), AiTensor.Create<int>([1, 2], 2));

        CaseResult result = runner.Run(corpusCase);

        Assert.Equal(Outcome.StoreOnlyFailure, result.Outcome);
        Assert.True(result.OutputsDiffer);
    }

    [Fact]
    public void Run_ModelOnnxRuntimeRejects_FailsBoth()
    {
        CorpusCase corpusCase = WriteCase("garbage", [1, 2, 3], AiTensor.Create<int>([1], 1), AiTensor.Create<int>([1], 1));

        Assert.Equal(Outcome.FailsBoth, _runner.Run(corpusCase).Outcome);
    }

    [Fact]
    public void Run_ModelNotShipped_IsReportedAsSuch()
    {
        string folder = Path.Combine(_corpus, "downloaded");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "data.json"), "{}");

        CaseResult result = _runner.Run(Assert.Single(CorpusCase.Discover(_corpus)));

        Assert.Equal(Outcome.NotShipped, result.Outcome);
    }

    public void Dispose()
    {
        _runner.Dispose();
        Directory.Delete(Path.GetDirectoryName(_corpus)!, recursive: true);
    }

    private CorpusCase WriteCase(string name, byte[] model, AiTensor input, AiTensor output)
    {
        string folder = Path.Combine(_corpus, name);
        string data = Path.Combine(folder, "test_data_set_0");
        Directory.CreateDirectory(data);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), model);
        OnnxTensorFile.WriteFile(Path.Combine(data, "input_0.pb"), input, "x");
        OnnxTensorFile.WriteFile(Path.Combine(data, "output_0.pb"), output, "y");
        return new CorpusCase("suite", name, folder);
    }

    // ModelProto for y = Identity(x), x and y of any rank, hand-encoded from onnx.proto so the test needs no model builder.
    private static byte[] IdentityModel(DataType type)
    {
        int elemType = type switch
        {
            DataType.Float => 1,
            DataType.UInt8 => 2,
            DataType.Int8 => 3,
            DataType.UInt16 => 4,
            DataType.Int16 => 5,
            DataType.Int32 => 6,
            DataType.Int64 => 7,
            DataType.String => 8,
            DataType.Bool => 9,
            DataType.Float16 => 10,
            DataType.Double => 11,
            DataType.UInt32 => 12,
            DataType.UInt64 => 13,
            DataType.BFloat16 => 16,
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
        byte[] tensorType = new ProtoBytes().Varint(1, elemType).ToArray();
        byte[] typeProto = new ProtoBytes().Bytes(1, tensorType).ToArray();
        byte[] ValueInfo(string name) => new ProtoBytes().String(1, name).Bytes(2, typeProto).ToArray();
        byte[] node = new ProtoBytes().String(1, "x").String(2, "y").String(4, "Identity").ToArray();
        byte[] graph = new ProtoBytes().Bytes(1, node).String(2, "identity").Bytes(11, ValueInfo("x")).Bytes(12, ValueInfo("y")).ToArray();
        byte[] opset = new ProtoBytes().String(1, string.Empty).Varint(2, 17).ToArray();
        return new ProtoBytes().Varint(1, 8).Bytes(8, opset).Bytes(7, graph).ToArray();
    }

    // A faulty backend: runs the real one, then replaces every output with zeros.
    private sealed class ZeroingBackend(IModelBackend inner) : IModelBackend
    {
        public string Name => inner.Name;

        public ICompiledModel Load(ReadOnlyMemory<byte> model, ModelLoadContext context) => new Zeroing(inner.Load(model, context));

        private sealed class Zeroing(ICompiledModel model) : ICompiledModel
        {
            public IReadOnlyList<TensorInfo> Inputs => model.Inputs;

            public IReadOnlyList<TensorInfo> Outputs => model.Outputs;

            public void Run(ReadOnlySpan<AiTensor> inputs, Span<AiTensor> outputs, in RunContext context)
            {
                model.Run(inputs, outputs, context);
                for (int i = 0; i < outputs.Length; i++)
                {
                    outputs[i] = AiTensor.Zeros(outputs[i].DataType, outputs[i].Shape);
                }
            }

            public void Dispose() => model.Dispose();
        }
    }
}
