using TorchSharp;
using static TorchSharp.torch;

namespace RedisAI.Backends.Torch;

/// <summary>Decides a loaded module's inputs and outputs (names, order, count) from its signature and the model options.</summary>
internal static class TorchModelBinding
{
    /// <exception cref="AiBackendException"><see cref="AiErrorCode.InvalidModel"/>: the options do not fit the module.</exception>
    public static TorchCompiledModel Bind(jit.ScriptModule module, torch.Device device, byte[] bytes, ModelLoadContext context)
    {
        string key = context.Key;
        int count = module.GetNumberOfInputs();
        TorchScriptSignature? forward = TorchModelArchive.TryReadForward(bytes);
        string[] names = new string[count];
        for (int i = 0; i < count; i++)
        {
            names[i] = forward is not null && forward.Parameters.Count == count
                ? forward.Parameters[i].Name
                : $"input{i}";
        }

        int[] position = new int[count];
        string[] inputNames = names;
        if (context.Inputs is { } requested)
        {
            if (requested.Count != count)
            {
                throw Invalid($"model '{key}': forward takes {count} input(s) ({string.Join(", ", names)}), ModelOptions.Inputs names {requested.Count}");
            }

            inputNames = [.. requested];
            for (int i = 0; i < count; i++)
            {
                position[i] = Array.IndexOf(names, requested[i]);
                if (position[i] < 0)
                {
                    throw Invalid($"model '{key}' has no input named '{requested[i]}'; its inputs are: {string.Join(", ", names)}");
                }
            }
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                position[i] = i;
            }
        }

        var inputs = new TensorInfo[count];
        for (int i = 0; i < count; i++)
        {
            inputs[i] = new TensorInfo(inputNames[i], null, null);
        }

        return new TorchCompiledModel(module, device, key, inputs, position, Outputs(forward, context));
    }

    private static TensorInfo[] Outputs(TorchScriptSignature? forward, ModelLoadContext context)
    {
        int? returned = forward?.CountReturnedTensors();
        if (context.Outputs is { } declared)
        {
            if (returned is { } n && n != declared.Count)
            {
                throw Invalid($"model '{context.Key}': forward returns {n} tensor(s) ({forward!.ReturnAnnotation}) but ModelOptions.Outputs names {declared.Count}");
            }

            return [.. declared.Select(name => new TensorInfo(name, null, null))];
        }

        if (returned is null && forward is not null)
        {
            throw Invalid(
                $"model '{context.Key}': forward returns {forward.ReturnAnnotation ?? "an unannotated value"}, whose number of tensors is only known when it runs; declare the outputs with ModelOptions.Outputs (one name per tensor)");
        }

        // RedisAI reports TorchScript outputs with empty names. Without a readable signature, assume one tensor:
        // a run that returns another count fails with a message saying so.
        var outputs = new TensorInfo[returned ?? 1];
        Array.Fill(outputs, new TensorInfo(string.Empty, null, null));
        return outputs;
    }

    private static AiBackendException Invalid(string message) => new(AiErrorCode.InvalidModel, message);
}
