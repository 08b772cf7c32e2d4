namespace RedisAI;

/// <summary>
/// One model execution: its inputs and where its outputs go. Runs alone on a device queue, or as a member of a
/// batch formed by the model's <see cref="ModelBatcher"/>.
/// </summary>
internal sealed class ModelRunWorkItem(AiStore store, StoredModel model, AiTensor[] inputs, IReadOnlyList<string>? outputKeys, ExecutionDeadline deadline, long enqueuedAt)
    : ExecutionWorkItem(model, deadline)
{
    public StoredModel Model => model;

    public AiTensor[] Inputs => inputs;

    public IReadOnlyList<string>? OutputKeys => outputKeys;

    /// <summary>When the call was queued, as a <see cref="TimeProvider"/> timestamp (MINBATCHTIMEOUT counts from here).</summary>
    public long EnqueuedAt => enqueuedAt;

    protected override AiTensor[] Run(CancellationToken cancellationToken) => store.RunAndPublish(model, inputs, outputKeys, cancellationToken);
}
