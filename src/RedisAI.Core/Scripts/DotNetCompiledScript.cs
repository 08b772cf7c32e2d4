using RedisAI.Backends;

namespace RedisAI;

/// <summary>The built-in script backend's compiled form of a <see cref="DotNetScript"/>: calls its delegates.</summary>
internal sealed class DotNetCompiledScript(DotNetScript script) : ICompiledScript
{
    public AiTensor[] Run(string entryPoint, ReadOnlySpan<AiTensor> inputs, IReadOnlyList<string> keys, IReadOnlyList<ScriptArgument> args, in ScriptRunContext context)
    {
        context.CancellationToken.ThrowIfCancellationRequested();
        ScriptFunction function = script.Functions[entryPoint];
        var call = new ScriptContext(context.ScriptKey, entryPoint, inputs.ToArray(), keys, args, context.Store, context.CancellationToken);
        AiTensor[]? outputs;
        try
        {
            outputs = function(call);
        }
        catch (AiStoreException ex)
        {
            // A store call the script made failed: same type and details, and the message says which script.
            throw ex.WithContext($"script '{context.ScriptKey}' function '{entryPoint}' failed: ");
        }

        if (outputs is null)
        {
            throw new AiBackendException(AiErrorCode.ExecutionFailed, $"function '{entryPoint}' of script '{context.ScriptKey}' returned null; return [] for no outputs");
        }

        foreach (AiTensor? output in outputs)
        {
            if (output is null)
            {
                throw new AiBackendException(AiErrorCode.ExecutionFailed, $"Function returned non-tensor values{entryPoint}: script '{context.ScriptKey}' returned a null tensor");
            }
        }

        return outputs;
    }

    // The delegates hold no native resources.
    public void Dispose()
    {
    }
}
