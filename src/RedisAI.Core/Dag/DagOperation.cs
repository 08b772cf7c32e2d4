namespace RedisAI;

/// <summary>
/// One operation of a DAG, as the builder records it. A model operation binds its inputs and outputs either by
/// position (<see cref="Inputs"/>, <see cref="Outputs"/>) or by the model's names (<see cref="InputsByName"/>,
/// <see cref="OutputsByName"/>: model name to local name), which the planner turns into positions.
/// </summary>
internal sealed record DagOperation(
    DagOperationKind Kind,
    string? Key,
    string? Function,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    AiTensor? Tensor = null,
    IReadOnlyList<string>? ScriptKeys = null,
    IReadOnlyList<ScriptArgument>? Args = null,
    IReadOnlyDictionary<string, string>? InputsByName = null,
    IReadOnlyDictionary<string, string>? OutputsByName = null)
{
    public string Describe(int index) => Kind switch
    {
        DagOperationKind.SetTensor => $"operation {index} (AI.TENSORSET '{Outputs[0]}')",
        DagOperationKind.GetTensor => $"operation {index} (AI.TENSORGET '{Inputs[0]}')",
        DagOperationKind.ExecuteModel => $"operation {index} (AI.MODELEXECUTE '{Key}')",
        _ => $"operation {index} (AI.SCRIPTEXECUTE '{Key}' {Function})",
    };
}
