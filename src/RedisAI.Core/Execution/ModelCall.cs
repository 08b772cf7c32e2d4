using System.Diagnostics;
using RedisAI.Backends;

namespace RedisAI;

/// <summary>A model execution: the model, its inputs in the model's order, and where its outputs go.</summary>
internal sealed class ModelCall(StoredModel model, AiTensor[] inputs, IReadOnlyList<string?>? outputKeys)
    : ExecutionCall(model, inputs, outputKeys)
{
    public StoredModel Model => model;

    public override string Key => model.Key;

    public override KeyType Kind => KeyType.Model;

    public override string Backend => model.Info.Backend;

    public override Device Device => model.Info.Device;

    public override RunStatistics Statistics => model.Statistics;

    public override string ActivityName => "redisai.model.execute";

    /// <summary>The rows this call brings to a batch: dimension 0 of its inputs, or 0 when they disagree or one is a scalar.</summary>
    public long BatchRows
    {
        get
        {
            AiTensor[] inputs = Inputs;
            if (inputs.Length == 0)
            {
                return 0;
            }

            long rows = inputs[0].RowCount;
            foreach (AiTensor input in inputs)
            {
                if (input.Shape.Rank == 0 || input.RowCount != rows)
                {
                    return 0;
                }
            }

            return rows;
        }
    }

    /// <summary>Runs the model on the inputs (one call's, or a batch's merged ones) and checks every output came back.</summary>
    public override AiTensor[] Invoke(CancellationToken cancellationToken)
    {
        var outputs = new AiTensor[model.Info.Outputs.Count];
        model.Compiled.Run(Inputs, outputs, new RunContext(model.Key, cancellationToken));
        for (int i = 0; i < outputs.Length; i++)
        {
            if (outputs[i] is null)
            {
                throw new AiBackendException(AiErrorCode.ExecutionFailed, $"model '{model.Key}' ({model.Info.Backend}) did not produce output {i} ('{model.Info.Outputs[i].Name}')");
            }
        }

        return outputs;
    }

    public override long CountSamples(AiTensor[] outputs) => outputs.Length > 0 ? outputs[0].RowCount : 0;

    public override void Tag(Activity activity) => activity.SetTag("redisai.batch.members", 1);

    public override AiStoreException DescribeFailure(Exception exception) =>
        exception as AiStoreException
            ?? new AiBackendException(AiErrorCode.ExecutionFailed, $"model '{model.Key}' ({model.Info.Backend}) failed: {exception.Message}", exception);
}
