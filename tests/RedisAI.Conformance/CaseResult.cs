namespace RedisAI.Conformance;

/// <summary>The result of one case: its outcome, why, and whether the store's outputs were bit-identical to the raw session's.</summary>
/// <param name="Suite">The corpus folder (node, simple, pytorch-converted, ...).</param>
/// <param name="Name">The case folder name.</param>
/// <param name="Outcome">The category.</param>
/// <param name="Reason">Why it is not <see cref="Outcome.Passed"/>; empty when it is.</param>
/// <param name="OutputsDiffer">Both paths produced outputs and they were not bit-identical.</param>
/// <param name="Elapsed">Time spent on the case.</param>
public sealed record CaseResult(string Suite, string Name, Outcome Outcome, string Reason, bool OutputsDiffer, TimeSpan Elapsed)
{
    /// <summary>An adaptation the runner made to the corpus data for this case (see <see cref="DataSet.ReinterpretBFloat16"/>); empty when none.</summary>
    public string Note { get; init; } = string.Empty;

    /// <summary>The case as <c>suite/name</c>.</summary>
    public string Id => $"{Suite}/{Name}";
}
