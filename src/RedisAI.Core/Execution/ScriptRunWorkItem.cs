namespace RedisAI;

/// <summary>A script execution queued on its device: runs, publishes keyed outputs, completes the caller.</summary>
internal sealed class ScriptRunWorkItem(AiStore store, ScriptCall call, ExecutionDeadline deadline) : ExecutionWorkItem(call.Script, deadline)
{
    protected override AiTensor[] Run(CancellationToken cancellationToken) => store.RunScriptAndPublish(call, cancellationToken);
}
