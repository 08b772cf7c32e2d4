namespace RedisAI;

/// <summary>One operation of a DAG, as the builder records it.</summary>
internal sealed record DagOperation(
    DagOperationKind Kind,
    string? Key,
    string? Function,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    AiTensor? Tensor = null,
    IReadOnlyList<string>? ScriptKeys = null,
    IReadOnlyList<ScriptArgument>? Args = null)
{
    public string Describe(int index) => Kind switch
    {
        DagOperationKind.SetTensor => $"operation {index} (AI.TENSORSET '{Outputs[0]}')",
        DagOperationKind.GetTensor => $"operation {index} (AI.TENSORGET '{Inputs[0]}')",
        DagOperationKind.ExecuteModel => $"operation {index} (AI.MODELEXECUTE '{Key}')",
        _ => $"operation {index} (AI.SCRIPTEXECUTE '{Key}' {Function})",
    };
}
