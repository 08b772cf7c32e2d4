using System.Diagnostics;
using RedisAI.Backends;

namespace RedisAI;

/// <summary>A script execution: the script, the entry point, its INPUTS, KEYS and ARGS, and where its outputs go.</summary>
internal sealed class ScriptCall(
    StoredScript script, string function, AiTensor[] inputs, IReadOnlyList<string> keys,
    IReadOnlyList<ScriptArgument> args, IReadOnlyList<string?>? outputKeys, IAiStore store)
    : ExecutionCall(script, inputs, outputKeys)
{
    public StoredScript Script => script;

    public string Function => function;

    public override string Key => script.Key;

    public override KeyType Kind => KeyType.Script;

    public override string Backend => script.Info.Backend;

    public override Device Device => script.Info.Device;

    public override RunStatistics Statistics => script.Statistics;

    public override string ActivityName => "redisai.script.execute";

    public override AiTensor[] Invoke(CancellationToken cancellationToken) =>
        script.Compiled.Run(function, Inputs, keys, args, new ScriptRunContext(script.Key, store, cancellationToken))
            ?? throw new AiBackendException(AiErrorCode.ExecutionFailed, $"script '{script.Key}' ({script.Info.Backend}) function '{function}' returned no result");

    public override long CountSamples(AiTensor[] outputs) => 0;

    public override void Tag(Activity activity) => activity.SetTag("redisai.function", function);

    public override AiStoreException DescribeFailure(Exception exception) =>
        exception as AiStoreException
            ?? new AiBackendException(AiErrorCode.ExecutionFailed, $"script '{script.Key}' ({script.Info.Backend}) function '{function}' failed: {exception.Message}", exception);

    /// <summary>RedisAI: zero OUTPUTS discards the result; otherwise one key per returned tensor.</summary>
    public override void CheckOutputs(AiTensor[] outputs)
    {
        if (OutputKeys is { Count: > 0 } outputKeys && outputs.Length != outputKeys.Count)
        {
            throw new AiBackendException(
                AiErrorCode.ExecutionFailed,
                $"Function returned unexpected number of outputs - {function}: script '{script.Key}' returned {outputs.Length} tensor(s), {outputKeys.Count} OUTPUTS key(s) given");
        }
    }
}
