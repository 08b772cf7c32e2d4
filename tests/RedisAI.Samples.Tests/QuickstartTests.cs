using System.Globalization;
using System.Text.RegularExpressions;
using RedisAI.Testing.Onnx;

namespace RedisAI.Samples.Tests;

public sealed partial class QuickstartTests
{
    private static readonly float[] Features = [5.1f, 3.5f, 1.4f, 0.2f, 6.7f, 3.0f, 5.2f, 2.3f];

    [Fact]
    public async Task Quickstart_Run_PrintsScoresOfTheClassifier()
    {
        (int exitCode, string output) = await TestSupport.RunDotnetAsync(
            Path.GetDirectoryName(TestSupport.QuickstartPath)!, TimeSpan.FromMinutes(1), TestSupport.QuickstartPath);

        Assert.True(exitCode == 0, output);
        Assert.Contains("Stored model 'classifier' (ONNX on CPU): inputs [x: FLOAT [-1, 4]], outputs [y: FLOAT [-1, 3]]", output, StringComparison.Ordinal);
        Assert.Contains("scores: FLOAT [2, 3]", output, StringComparison.Ordinal);
        Assert.Contains("store holds 2 tensors (56 bytes) and 1 model", output, StringComparison.Ordinal);

        // The rows are the classifier's outputs, as computed independently of ONNX Runtime.
        float[] expected = TestModels.MlpReference([4, 16, 3], 42, Features);
        MatchCollection rows = RowPattern().Matches(output);
        Assert.Equal(2, rows.Count);
        for (int row = 0; row < 2; row++)
        {
            float[] printed = [.. rows[row].Groups["values"].Value.Split(", ").Select(v => float.Parse(v, CultureInfo.CurrentCulture))];
            ReadOnlySpan<float> want = expected.AsSpan(row * 3, 3);
            Assert.Equal(3, printed.Length);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(want[i], printed[i], 3e-4f);
            }

            Assert.Equal(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(want), int.Parse(rows[row].Groups["class"].Value, CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"row \d: \[(?<values>[^\]]+)\] -> class (?<class>\d)")]
    private static partial Regex RowPattern();
}
