using System.Globalization;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace RedisAI.Backends.Torch;

/// <summary>
/// Bridges RedisAI's entry point convention, <c>f(tensors: List[Tensor], keys: List[str], args: List[str])</c>, to
/// what TorchSharp can pass: <c>CompilationUnit.invoke</c> takes tensors and scalars only (lists and strings throw
/// NotImplementedException). Each entry point gets a generated TorchScript wrapper appended to the source, taking
/// the key and argument strings as code-point tensors and the input tensors as optional parameters.
/// </summary>
internal static class TorchScriptAdapter
{
    /// <summary>The most input tensors one TorchScript script call can take (one optional wrapper parameter each).</summary>
    public const int MaxInputs = 32;

    private const string DecodeFunction = "__redisai_strings";

    /// <summary>The wrapper's name for an entry point.</summary>
    public static string WrapperName(string entryPoint) => "__redisai_call_" + entryPoint;

    /// <summary>TorchScript source for the wrappers of <paramref name="entryPoints"/>, to append to the script's source.</summary>
    public static string Generate(IReadOnlyList<string> entryPoints)
    {
        var code = new StringBuilder();
        // The decoder builds strings, not lists of characters: an empty list literal reassigned in the loop is
        // pooled as one constant by TorchScript's optimizer after a few runs, and would grow across calls.
        code.Append(CultureInfo.InvariantCulture, $"""


            def {DecodeFunction}(codes: Tensor) -> List[str]:
                values: List[int] = codes.tolist()
                result: List[str] = []
                text = ''
                for value in values:
                    if value < 0:
                        result.append(text)
                        text = ''
                    else:
                        text = text + chr(value)
                return result

            """);
        foreach (string entryPoint in entryPoints)
        {
            code.Append(CultureInfo.InvariantCulture, $"\n\ndef {WrapperName(entryPoint)}(keys: Tensor, args: Tensor");
            for (int i = 0; i < MaxInputs; i++)
            {
                code.Append(CultureInfo.InvariantCulture, $", t{i}: Optional[Tensor] = None");
            }

            code.Append("):\n    tensors: List[Tensor] = []\n");

            // Nested, so a call with n inputs tests n + 1 parameters, not all of them.
            for (int i = 0; i < MaxInputs; i++)
            {
                string indent = new(' ', 4 * (i + 1));
                code.Append(CultureInfo.InvariantCulture, $"{indent}if t{i} is not None:\n{indent}    tensors.append(t{i})\n");
            }

            code.Append(CultureInfo.InvariantCulture, $"    return {entryPoint}(tensors, {DecodeFunction}(keys), {DecodeFunction}(args))\n");
        }

        return code.ToString();
    }

    /// <summary>
    /// Strings as one int64 tensor of their UTF-8 bytes, each string followed by -1. TorchScript strings are byte
    /// strings and its <c>chr</c> makes one byte, so the script sees each string's exact UTF-8 (as RedisAI passes
    /// them); <c>len</c> counts bytes.
    /// </summary>
    public static Tensor Encode(IReadOnlyList<string> strings)
    {
        int total = 0;
        foreach (string text in strings)
        {
            total += Encoding.UTF8.GetByteCount(text) + 1;
        }

        var codes = new long[total];
        int position = 0;
        Span<byte> buffer = stackalloc byte[256];
        foreach (string text in strings)
        {
            int length = Encoding.UTF8.GetByteCount(text);
            Span<byte> utf8 = length <= buffer.Length ? buffer[..length] : new byte[length];
            Encoding.UTF8.GetBytes(text, utf8);
            foreach (byte b in utf8)
            {
                codes[position++] = b;
            }

            codes[position++] = -1;
        }

        return torch.tensor(codes, ScalarType.Int64);
    }

    /// <summary>Arguments as <see cref="Encode(IReadOnlyList{string})"/> encodes strings, in their <see cref="ScriptArgument.AsString"/> form.</summary>
    public static Tensor Encode(IReadOnlyList<ScriptArgument> args)
    {
        var strings = new string[args.Count];
        for (int i = 0; i < strings.Length; i++)
        {
            strings[i] = args[i].AsString();
        }

        return Encode(strings);
    }
}
