using System.Text.RegularExpressions;

namespace RedisAI.Backends.Torch;

/// <summary>Checks a script's entry points against its source before compiling, with RedisAI's messages (AI.SCRIPTSTORE).</summary>
internal static partial class TorchScriptEntryPoints
{
    /// <exception cref="AiBackendException"><see cref="AiErrorCode.InvalidModel"/>: an entry point is missing or has the wrong signature.</exception>
    public static void Check(string source, IReadOnlyList<string> entryPoints, string key)
    {
        foreach (string name in entryPoints)
        {
            TorchScriptSignature? signature = Identifier().IsMatch(name) ? TorchScriptSignature.FindTopLevel(source, name) : null;
            if (signature is null)
            {
                IReadOnlyList<string> defined = TorchScriptSignature.TopLevelFunctionNames(source);
                throw Invalid(
                    $"Function {name} does not exist in the given script. (script '{key}' defines {(defined.Count == 0 ? "no top-level functions" : string.Join(", ", defined))})");
            }

            if (signature.Parameters.Count != 3)
            {
                throw Invalid($"Wrong number of inputs in function {name}. Expected 3 but was {signature.Parameters.Count} (script '{key}')");
            }

            if (!IsType(signature.Parameters[0], "List[Tensor]") || !IsType(signature.Parameters[1], "List[str]") || !IsType(signature.Parameters[2], "List[str]"))
            {
                throw Invalid(
                    $"Wrong inputs type in function {name}. Expected signature similar to: def {name}(tensors: List[Tensor], keys: List[str], args: List[str]) (script '{key}')");
            }
        }
    }

    private static bool IsType(TorchScriptParameter parameter, string expected) =>
        TorchScriptSignature.Normalize(parameter.Annotation) == expected;

    private static AiBackendException Invalid(string message) => new(AiErrorCode.InvalidModel, message);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
