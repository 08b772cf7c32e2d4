using System.IO.Compression;
using System.Text;

namespace RedisAI.Backends.Torch;

/// <summary>
/// Reads the <c>forward</c> signature of a <c>torch.jit.save</c> archive (a zip), which TorchSharp does not
/// expose: <c>data.pkl</c> names the root module's class, whose TorchScript code is in <c>code/</c>.
/// </summary>
internal static class TorchModelArchive
{
    /// <summary>The root module's <c>forward</c>, without <c>self</c>; null when the archive does not show it plainly.</summary>
    public static TorchScriptSignature? TryReadForward(byte[] bytes)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            ZipArchiveEntry? data = FindRootEntry(zip);
            if (data is null || !TryReadRootClass(data, out string module, out string className))
            {
                return null;
            }

            string root = data.FullName[..^"data.pkl".Length];
            ZipArchiveEntry? code = zip.GetEntry($"{root}code/{module.Replace('.', '/')}.py");
            if (code is null)
            {
                return null;
            }

            string source;
            using (var reader = new StreamReader(code.Open(), Encoding.UTF8))
            {
                source = reader.ReadToEnd();
            }

            TorchScriptSignature? forward = FindForward(source, className);
            return forward is { Parameters.Count: > 0 }
                ? forward with { Parameters = [.. forward.Parameters.Skip(1)] } // self
                : null;
        }
        catch (InvalidDataException)
        {
            return null; // not a zip: torch.jit.load reports the real error
        }
    }

    private static ZipArchiveEntry? FindRootEntry(ZipArchive zip)
    {
        foreach (ZipArchiveEntry entry in zip.Entries)
        {
            string name = entry.FullName;
            if (name.EndsWith("/data.pkl", StringComparison.Ordinal) && name.IndexOf('/', StringComparison.Ordinal) == name.Length - "/data.pkl".Length)
            {
                return entry;
            }
        }

        return null;
    }

    // data.pkl is a pickle (protocol 2) that starts with PROTO 2, GLOBAL "<module>\n<class>\n".
    private static bool TryReadRootClass(ZipArchiveEntry data, out string module, out string className)
    {
        module = className = string.Empty;
        var head = new byte[512];
        int length;
        using (Stream stream = data.Open())
        {
            length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (length < 4 || head[0] != 0x80 || head[2] != (byte)'c')
        {
            return false;
        }

        string[] lines = Encoding.UTF8.GetString(head, 3, length - 3).Split('\n');
        if (lines.Length < 3 || lines[0].Length == 0 || lines[1].Length == 0)
        {
            return false;
        }

        module = lines[0];
        className = lines[1];
        return true;
    }

    private static TorchScriptSignature? FindForward(string source, string className)
    {
        int classStart = source.IndexOf($"class {className}(", StringComparison.Ordinal);
        if (classStart < 0)
        {
            return null;
        }

        int classEnd = source.IndexOf("\nclass ", classStart + 1, StringComparison.Ordinal);
        string body = classEnd < 0 ? source[classStart..] : source[classStart..classEnd];
        int def = body.IndexOf("def forward(", StringComparison.Ordinal);
        return def < 0 ? null : TorchScriptSignature.Parse(body, "forward", def + "def forward".Length);
    }
}
