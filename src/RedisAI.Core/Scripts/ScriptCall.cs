namespace RedisAI;

/// <summary>
/// One script execution, resolved and checked before it runs: the script (holding one reference), the entry
/// point, the input tensors, and where its outputs go (null for a direct call).
/// </summary>
internal sealed class ScriptCall(
    StoredScript script, string function, AiTensor[] inputs, IReadOnlyList<string> keys,
    IReadOnlyList<ScriptArgument> args, IReadOnlyList<string>? outputKeys)
{
    public StoredScript Script { get; } = script;

    public string Function { get; } = function;

    public AiTensor[] Inputs { get; } = inputs;

    public IReadOnlyList<string> Keys { get; } = keys;

    public IReadOnlyList<ScriptArgument> Args { get; } = args;

    public IReadOnlyList<string>? OutputKeys { get; } = outputKeys;
}
