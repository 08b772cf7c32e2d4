using System.IO.Compression;

namespace RedisAI.Backends.Torch.Tests;

/// <summary>Helpers shared by the TorchScript tests: a store with the real backend, the fixtures, small tensors.</summary>
internal static class Torch
{
    public static ModelOptions Options => new() { Backend = TorchScriptBackend.BackendName };

    public static string ScriptSource => File.ReadAllText(FixturePath("scripts.txt"));

    public static AiStore CreateStore(AiStoreOptions? options = null) => new(options, [new TorchScriptBackend()]);

    public static byte[] Fixture(string name) => File.ReadAllBytes(FixturePath(name));

    public static AiTensor Floats(params float[] values) => AiTensor.Create<float>(values, 2, values.Length / 2);

    public static ScriptOptions ScriptOptions(params string[] entryPoints) => new() { EntryPoints = entryPoints };

    /// <summary>A copy of a fixture archive whose root module code has <paramref name="from"/> replaced.</summary>
    public static byte[] WithCode(string fixture, string from, string to)
    {
        using var source = new ZipArchive(new MemoryStream(Fixture(fixture)), ZipArchiveMode.Read);
        var output = new MemoryStream();
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (ZipArchiveEntry entry in source.Entries)
            {
                if (entry.FullName.EndsWith(".debug_pkl", StringComparison.Ordinal))
                {
                    continue; // debug info refers to the original source ranges
                }

                using var data = new MemoryStream();
                using (Stream stream = entry.Open())
                {
                    stream.CopyTo(data);
                }

                byte[] bytes = data.ToArray();
                if (entry.FullName.EndsWith("code/__torch__.py", StringComparison.Ordinal))
                {
                    string code = System.Text.Encoding.UTF8.GetString(bytes);
                    Assert.Contains(from, code, StringComparison.Ordinal);
                    bytes = System.Text.Encoding.UTF8.GetBytes(code.Replace(from, to, StringComparison.Ordinal));
                }

                using Stream written = target.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
                written.Write(bytes);
            }
        }

        return output.ToArray();
    }

    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);
}
