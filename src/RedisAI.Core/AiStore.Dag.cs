namespace RedisAI;

public sealed partial class AiStore
{
    /// <inheritdoc />
    public DagBuilder CreateDag() => new(this, readOnly: false);

    /// <inheritdoc />
    public DagBuilder CreateReadOnlyDag() => new(this, readOnly: true);

    /// <inheritdoc />
    public Task<DagResult> ExecuteDagAsync(DagBuilder dag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dag);
        ThrowIfDisposed();
        return _dags.ExecuteAsync(dag, cancellationToken);
    }
}
