namespace RedisAI;

/// <summary>
/// An operation of a DAG failed. The DAG persisted nothing; <see cref="Exception.InnerException"/> is the
/// operation's own error, and <see cref="AiStoreException.Code"/> is its code.
/// </summary>
public sealed class AiDagException : AiStoreException
{
    /// <summary>Creates the exception for the failing operation.</summary>
    public AiDagException(int operationIndex, DagOperationKind operationKind, string message, AiStoreException innerException)
        : base(innerException?.Code ?? AiErrorCode.ExecutionFailed, message, innerException)
    {
        OperationIndex = operationIndex;
        OperationKind = operationKind;
    }

    /// <summary>Creates the exception.</summary>
    public AiDagException() : base(AiErrorCode.ExecutionFailed, "A DAG operation failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public AiDagException(string message) : base(AiErrorCode.ExecutionFailed, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public AiDagException(string message, Exception innerException) : base(AiErrorCode.ExecutionFailed, message, innerException)
    {
    }

    /// <summary>The position of the failing operation in the DAG, from 0.</summary>
    public int OperationIndex { get; }

    /// <summary>The kind of the failing operation.</summary>
    public DagOperationKind OperationKind { get; }

    internal override AiStoreException WithContext(string prefix) => new AiDagException(OperationIndex, OperationKind, prefix + Message, this);
}
