namespace RedisAI;

/// <summary>The kinds of operation a DAG can hold (RedisAI's AI.DAGEXECUTE operations).</summary>
public enum DagOperationKind
{
    /// <summary>Sets a DAG-local tensor (AI.TENSORSET).</summary>
    SetTensor = 1,

    /// <summary>Returns a tensor to the caller (AI.TENSORGET).</summary>
    GetTensor = 2,

    /// <summary>Runs a model (AI.MODELEXECUTE).</summary>
    ExecuteModel = 3,

    /// <summary>Runs a script entry point (AI.SCRIPTEXECUTE).</summary>
    ExecuteScript = 4,
}
