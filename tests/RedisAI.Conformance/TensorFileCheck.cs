using RedisAI.Backends.Onnx.TensorProtos;

namespace RedisAI.Conformance;

/// <summary>
/// Checks <see cref="OnnxTensorFile"/> on every tensor file of the applicable cases: reading, writing back and reading
/// again must give the same tensor and name; writing back is expected to reproduce ONNX's own bytes, except for files
/// that keep values in typed fields (written back as raw_data).
/// </summary>
public sealed class TensorFileCheck
{
    /// <summary>Files read.</summary>
    public int Files { get; private set; }

    /// <summary>Files whose written-back bytes equal the original.</summary>
    public int ByteIdentical { get; private set; }

    /// <summary>Files whose tensor or name did not survive write-then-read, with why.</summary>
    public List<string> Failures { get; } = [];

    /// <summary>Checks every data-set file of a case.</summary>
    public void Check(CorpusCase corpusCase)
    {
        ArgumentNullException.ThrowIfNull(corpusCase);
        foreach (var (inputs, outputs) in corpusCase.GetDataSets())
        {
            foreach (string file in inputs.Concat(outputs))
            {
                CheckFile(file);
            }
        }
    }

    private void CheckFile(string file)
    {
        Files++;
        byte[] original = File.ReadAllBytes(file);
        try
        {
            AiTensor tensor = OnnxTensorFile.Read(original, out string? name);
            byte[] written = OnnxTensorFile.Write(tensor, name);
            if (written.AsSpan().SequenceEqual(original))
            {
                ByteIdentical++;
            }

            AiTensor back = OnnxTensorFile.Read(written, out string? nameBack);
            if (!back.ContentEquals(tensor) || nameBack != name)
            {
                Failures.Add($"{file}: the tensor or its name changed when written and read back");
            }
        }
        catch (AiArgumentException ex)
        {
            Failures.Add($"{file}: {ex.Message}");
        }
    }
}
