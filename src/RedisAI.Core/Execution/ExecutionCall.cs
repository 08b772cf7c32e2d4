using System.Diagnostics;

namespace RedisAI;

/// <summary>
/// One model or script execution, resolved and checked before it runs: the model or script (holding one reference,
/// which whoever runs the call releases), its input tensors, and where its outputs go.
/// </summary>
internal abstract class ExecutionCall(SharedValue target, AiTensor[] inputs, IReadOnlyList<string?>? outputKeys)
{
    /// <summary>The model or script; the call owns one reference to it.</summary>
    public SharedValue Target => target;

    public AiTensor[] Inputs => inputs;

    /// <summary>
    /// The key each output is written to, by output position (a null entry drops that output); null for a direct call,
    /// whose outputs go back to the caller only.
    /// </summary>
    public IReadOnlyList<string?>? OutputKeys => outputKeys;

    /// <summary>Whether some outputs have no key (a call by names that did not ask for every output).</summary>
    public bool DropsOutputs { get; init; }

    public abstract string Key { get; }

    public abstract KeyType Kind { get; }

    public abstract string Backend { get; }

    public abstract Device Device { get; }

    public abstract RunStatistics Statistics { get; }

    /// <summary>The activity the run is traced as.</summary>
    public abstract string ActivityName { get; }

    /// <summary>Runs the backend on the inputs, on the calling thread.</summary>
    public abstract AiTensor[] Invoke(CancellationToken cancellationToken);

    /// <summary>The samples a successful run counts in its statistics (models count rows; scripts count none).</summary>
    public abstract long CountSamples(AiTensor[] outputs);

    /// <summary>Adds the call's own tags to its activity.</summary>
    public abstract void Tag(Activity activity);

    /// <summary>The error a backend failure becomes, naming the model or script.</summary>
    public abstract AiStoreException DescribeFailure(Exception exception);

    /// <summary>Checks the outputs before they are written; throws when they cannot be.</summary>
    public virtual void CheckOutputs(AiTensor[] outputs)
    {
    }
}
