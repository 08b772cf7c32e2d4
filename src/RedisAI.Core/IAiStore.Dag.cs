namespace RedisAI;

/// <summary>DAGs: several tensor, model and script operations run as one atomic request.</summary>
public partial interface IAiStore
{
    /// <summary>Starts building a DAG that may persist its results (RedisAI's AI.DAGEXECUTE).</summary>
    DagBuilder CreateDag();

    /// <summary>Starts building a read-only DAG: it cannot persist or run scripts (AI.DAGEXECUTE_RO).</summary>
    DagBuilder CreateReadOnlyDag();

    /// <summary>
    /// Validates a DAG, runs it and persists its results. Nothing runs if validation fails; nothing is written unless
    /// every operation succeeds. <see cref="DagBuilder.ExecuteAsync"/> calls this.
    /// </summary>
    /// <exception cref="AiArgumentException">The DAG is empty, reads a name nothing provides, persists a name nothing produces, binds a name the model does not have, or is read-only and persists or runs a script.</exception>
    /// <exception cref="AiKeyNotFoundException">A loaded key, model or script does not exist.</exception>
    /// <exception cref="AiWrongTypeException">A loaded or persisted key, model or script key holds another kind of value.</exception>
    /// <exception cref="AiDagException">An operation failed; it names the operation.</exception>
    /// <exception cref="AiTimeoutException">The DAG overran its timeout.</exception>
    Task<DagResult> ExecuteDagAsync(DagBuilder dag, CancellationToken cancellationToken = default);
}
