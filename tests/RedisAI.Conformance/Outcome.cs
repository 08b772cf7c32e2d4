namespace RedisAI.Conformance;

/// <summary>How one corpus case fared through the store and through a raw ONNX Runtime session.</summary>
public enum Outcome
{
    /// <summary>Both paths load the model, run every data set and match the expected outputs.</summary>
    Passed,

    /// <summary>ONNX Runtime itself cannot load or run the case, or misses the expected outputs; the store fails the same way.</summary>
    FailsBoth,

    /// <summary>The raw session passes and the store does not: a store bug.</summary>
    StoreOnlyFailure,

    /// <summary>The store passes and the raw session does not (not a store failure, listed to be looked at).</summary>
    PassesOnlyThroughStore,

    /// <summary>The model takes or returns sequences, maps or optionals, which a tensor store cannot carry.</summary>
    NotApplicable,

    /// <summary>The corpus lists the case but does not ship its model (ONNX's runner downloads it).</summary>
    NotShipped,
}
