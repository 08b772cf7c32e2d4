namespace RedisAI;

/// <summary>
/// What a <see cref="ScriptFunction"/> receives: the same INPUTS, KEYS and ARGS a TorchScript entry point gets as
/// <c>tensors</c>, <c>keys</c> and <c>args</c>, plus the store itself.
/// </summary>
/// <remarks>
/// <para>A context is created per call and is valid only during it. Not thread-safe (one call uses it).</para>
/// <para>The <see cref="Store"/> stands in for RedisAI's <c>redis.execute</c> and <c>redisAI.model_execute</c>:
/// read tensors under <see cref="Keys"/>, run models with <see cref="IAiStore.RunModel(string, ReadOnlySpan{AiTensor}, TimeSpan?)"/>. Prefer the synchronous
/// store methods: an execution queued through a <c>*Async</c> method on the script's own device and waited for here
/// can deadlock when that device has one worker thread.</para>
/// </remarks>
public sealed class ScriptContext
{
    internal ScriptContext(
        string scriptKey, string function, IReadOnlyList<AiTensor> inputs, IReadOnlyList<string> keys,
        IReadOnlyList<ScriptArgument> args, IAiStore store, CancellationToken cancellationToken)
    {
        ScriptKey = scriptKey;
        Function = function;
        Inputs = inputs;
        Keys = keys;
        Args = args;
        Store = store;
        CancellationToken = cancellationToken;
    }

    /// <summary>The key the script is stored under.</summary>
    public string ScriptKey { get; }

    /// <summary>The entry point being called.</summary>
    public string Function { get; }

    /// <summary>The input tensors, in the caller's order (RedisAI's INPUTS). Read them in place with
    /// <see cref="AiTensor.GetData{T}"/> or <see cref="AiTensor.AsTensorSpan{T}"/>.</summary>
    public IReadOnlyList<AiTensor> Inputs { get; }

    /// <summary>Key names the caller declared (RedisAI's KEYS), for the script to read or write through <see cref="Store"/>.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The caller's arguments (RedisAI's ARGS), typed.</summary>
    public IReadOnlyList<ScriptArgument> Args { get; }

    /// <summary>The store running the script.</summary>
    public IAiStore Store { get; }

    /// <summary>Signalled when the call times out or its caller cancels; long scripts should check it.</summary>
    public CancellationToken CancellationToken { get; }
}
