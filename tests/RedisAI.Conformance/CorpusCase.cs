namespace RedisAI.Conformance;

/// <summary>One case folder of the ONNX backend test corpus: <c>model.onnx</c> and <c>test_data_set_N/{input,output}_K.pb</c>.</summary>
/// <param name="Suite">The corpus folder it is in.</param>
/// <param name="Name">The case folder name.</param>
/// <param name="Directory">The case folder.</param>
public sealed record CorpusCase(string Suite, string Name, string Directory)
{
    /// <summary>The model file.</summary>
    public string ModelPath => Path.Combine(Directory, "model.onnx");

    /// <summary>Whether the model file is shipped (the <c>real</c> suite only lists download URLs in <c>data.json</c>).</summary>
    public bool HasModel => File.Exists(ModelPath);

    /// <summary>
    /// Finds the cases under a corpus folder: the folder itself when it holds a <c>model.onnx</c> or <c>data.json</c>,
    /// otherwise each subfolder that does, in ordinal order.
    /// </summary>
    public static IReadOnlyList<CorpusCase> Discover(string path)
    {
        string full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        if (IsCase(full))
        {
            return [new CorpusCase(Path.GetFileName(Path.GetDirectoryName(full)) ?? string.Empty, Path.GetFileName(full), full)];
        }

        string suite = Path.GetFileName(full);
        var cases = new List<CorpusCase>();
        string[] folders = System.IO.Directory.GetDirectories(full);
        Array.Sort(folders, StringComparer.Ordinal);
        foreach (string folder in folders)
        {
            if (IsCase(folder))
            {
                cases.Add(new CorpusCase(suite, Path.GetFileName(folder), folder));
            }
        }

        return cases;
    }

    /// <summary>The data sets in order: each a list of input files and a list of output files, each in index order.</summary>
    public IReadOnlyList<(string[] Inputs, string[] Outputs)> GetDataSets()
    {
        var sets = new List<(string[], string[])>();
        string[] folders = System.IO.Directory.GetDirectories(Directory, "test_data_set_*");
        Array.Sort(folders, (a, b) => Index(a, "test_data_set_").CompareTo(Index(b, "test_data_set_")));
        foreach (string folder in folders)
        {
            sets.Add((Files(folder, "input_"), Files(folder, "output_")));
        }

        return sets;
    }

    private static bool IsCase(string folder) =>
        File.Exists(Path.Combine(folder, "model.onnx")) || File.Exists(Path.Combine(folder, "data.json"));

    private static string[] Files(string folder, string prefix)
    {
        string[] files = System.IO.Directory.GetFiles(folder, prefix + "*.pb");
        Array.Sort(files, (a, b) => Index(a, prefix).CompareTo(Index(b, prefix)));
        return files;
    }

    private static int Index(string path, string prefix)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        return int.TryParse(name.AsSpan(prefix.Length), System.Globalization.CultureInfo.InvariantCulture, out int index) ? index : int.MaxValue;
    }
}
