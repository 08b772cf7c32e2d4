using RedisAI.Backends.Onnx.TensorProtos;

namespace RedisAI.Conformance;

/// <summary>One <c>test_data_set_N</c>: the input tensors and the expected outputs, each with the name its file records.</summary>
public sealed class DataSet
{
    private DataSet(AiTensor[] inputs, string?[] inputNames, AiTensor[] outputs, string?[] outputNames)
    {
        Inputs = inputs;
        InputNames = inputNames;
        Outputs = outputs;
        OutputNames = outputNames;
    }

    /// <summary>The inputs in file order.</summary>
    public AiTensor[] Inputs { get; }

    /// <summary>The <c>name</c> recorded in each input file, if any.</summary>
    public string?[] InputNames { get; }

    /// <summary>The expected outputs in file order.</summary>
    public AiTensor[] Outputs { get; }

    /// <summary>The <c>name</c> recorded in each output file, if any.</summary>
    public string?[] OutputNames { get; }

    /// <summary>Reads the tensor files with <see cref="OnnxTensorFile"/>.</summary>
    /// <exception cref="AiArgumentException">A file cannot be read.</exception>
    public static DataSet Read(string[] inputFiles, string[] outputFiles)
    {
        ArgumentNullException.ThrowIfNull(inputFiles);
        ArgumentNullException.ThrowIfNull(outputFiles);
        var inputs = new AiTensor[inputFiles.Length];
        var inputNames = new string?[inputFiles.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = OnnxTensorFile.ReadFile(inputFiles[i], out inputNames[i]);
        }

        var outputs = new AiTensor[outputFiles.Length];
        var outputNames = new string?[outputFiles.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = OnnxTensorFile.ReadFile(outputFiles[i], out outputNames[i]);
        }

        return new DataSet(inputs, inputNames, outputs, outputNames);
    }

    /// <summary>
    /// The model input each input file feeds: the one its recorded name names, otherwise the one at its position
    /// (ONNX's runner feeds inputs by position).
    /// </summary>
    /// <exception cref="InvalidOperationException">A file matches no model input, or two files feed the same one.</exception>
    public string[] BindInputs(IReadOnlyList<string> modelInputs) => Bind(InputNames, modelInputs, "input");

    /// <summary>
    /// ONNX's test generator has no numpy bfloat16, so it saves BFLOAT16 data as UINT16 tensors holding the bit
    /// patterns. Where the model declares BFLOAT16 and a file holds UINT16, this reads the same bits as BFLOAT16.
    /// Returns how many tensors it changed.
    /// </summary>
    public int ReinterpretBFloat16(IReadOnlyList<string> modelInputs, Func<string, DataType?> inputType, IReadOnlyList<string> modelOutputs, Func<string, DataType?> outputType)
    {
        ArgumentNullException.ThrowIfNull(inputType);
        ArgumentNullException.ThrowIfNull(outputType);
        return Reinterpret(Inputs, Bind(InputNames, modelInputs, "input"), inputType)
            + Reinterpret(Outputs, Bind(OutputNames, modelOutputs, "output"), outputType);
    }

    /// <summary>Compares actual outputs (by model output name) with the expected ones; null when all match.</summary>
    public string? CompareOutputs(IReadOnlyDictionary<string, AiTensor> actual, IReadOnlyList<string> modelOutputs, Tolerance tolerance, int setIndex)
    {
        ArgumentNullException.ThrowIfNull(actual);
        string[] names;
        try
        {
            names = Bind(OutputNames, modelOutputs, "output");
        }
        catch (InvalidOperationException ex)
        {
            return $"data set {setIndex}: {ex.Message}";
        }

        for (int i = 0; i < Outputs.Length; i++)
        {
            if (!actual.TryGetValue(names[i], out AiTensor? tensor))
            {
                return $"data set {setIndex}: no output '{names[i]}'";
            }

            if (OutputComparer.Compare(tensor, Outputs[i], tolerance) is { } difference)
            {
                return $"data set {setIndex}, output {i} ('{names[i]}'): {difference}";
            }
        }

        return null;
    }

    private static int Reinterpret(AiTensor[] tensors, string[] names, Func<string, DataType?> declared)
    {
        int changed = 0;
        for (int i = 0; i < tensors.Length; i++)
        {
            if (tensors[i].DataType == DataType.UInt16 && declared(names[i]) == DataType.BFloat16)
            {
                tensors[i] = AiTensor.FromBytes(DataType.BFloat16, tensors[i].Shape, tensors[i].GetBytes());
                changed++;
            }
        }

        return changed;
    }

    private static string[] Bind(string?[] recorded, IReadOnlyList<string> model, string kind)
    {
        ArgumentNullException.ThrowIfNull(model);
        var names = new string[recorded.Length];
        for (int i = 0; i < recorded.Length; i++)
        {
            string? name = recorded[i];
            if (name is null || !model.Contains(name))
            {
                name = i < model.Count ? model[i] : throw new InvalidOperationException(
                    $"{kind}_{i}.pb ('{recorded[i]}') matches no model {kind}; the model has {model.Count}: {string.Join(", ", model)}");
            }

            if (Array.IndexOf(names, name, 0, i) >= 0)
            {
                throw new InvalidOperationException($"{kind}_{i}.pb and an earlier file both feed model {kind} '{name}'");
            }

            names[i] = name;
        }

        return names;
    }
}
