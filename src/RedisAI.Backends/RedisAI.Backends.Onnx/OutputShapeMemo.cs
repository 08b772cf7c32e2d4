namespace RedisAI.Backends.Onnx;

/// <summary>
/// Remembers which output types and shapes a model produced for the last few distinct input shapes, so a later run
/// with the same input shapes can allocate its outputs first and let ONNX Runtime write into them (bound outputs).
/// That skips ONNX Runtime's own output allocation, the wrapping and querying of its result values and a copy:
/// most of a small model's per-call cost. Lock-free for readers; thread-safe.
/// </summary>
/// <remarks>
/// A model whose output shapes depend on input values (NonZero, TopK with a k input, Reshape with a shape input)
/// can produce other shapes for the same input shapes. ONNX Runtime then rejects the bound output, and the caller
/// turns binding off for the model with <see cref="Disable"/> and runs it unbound. So does a model that returns one
/// of its inputs as an output, which ONNX Runtime hands back instead of writing into the bound buffer.
/// </remarks>
internal sealed class OutputShapeMemo
{
    // Enough for an autobatched model's common batch sizes without making a miss costly to scan.
    private const int Capacity = 8;

    private Plan[] _plans = [];
    private volatile bool _disabled;

    /// <summary>The plan made for inputs of exactly these types and shapes, or null.</summary>
    public Plan? Find(ReadOnlySpan<AiTensor> inputs)
    {
        if (_disabled)
        {
            return null;
        }

        return FindIn(Volatile.Read(ref _plans), inputs);
    }

    /// <summary>Records what an unbound run produced, unless an output cannot be bound (STRING or empty).</summary>
    public void Remember(ReadOnlySpan<AiTensor> inputs, ReadOnlySpan<AiTensor> outputs)
    {
        if (_disabled)
        {
            return;
        }

        foreach (AiTensor output in outputs)
        {
            if (output.DataType == DataType.String || output.ElementCount == 0)
            {
                return;
            }
        }

        var plan = new Plan(inputs, outputs);
        Plan[] current, updated;
        do
        {
            current = Volatile.Read(ref _plans);
            if (FindIn(current, inputs) is not null)
            {
                return;
            }

            // Newest first; the oldest falls off when full.
            updated = new Plan[Math.Min(current.Length + 1, Capacity)];
            updated[0] = plan;
            Array.Copy(current, 0, updated, 1, updated.Length - 1);
        }
        while (Interlocked.CompareExchange(ref _plans, updated, current) != current);
    }

    /// <summary>Stops binding for good: the model produced shapes that its input shapes do not determine.</summary>
    public void Disable()
    {
        _disabled = true;
        Volatile.Write(ref _plans, []);
    }

    private static Plan? FindIn(Plan[] plans, ReadOnlySpan<AiTensor> inputs)
    {
        foreach (Plan plan in plans)
        {
            if (plan.Matches(inputs))
            {
                return plan;
            }
        }

        return null;
    }

    /// <summary>Input types and shapes, and the outputs they produce. Shape arrays are never mutated.</summary>
    internal sealed class Plan
    {
        private bool _verified;

        public Plan(ReadOnlySpan<AiTensor> inputs, ReadOnlySpan<AiTensor> outputs)
        {
            InputTypes = new DataType[inputs.Length];
            InputShapes = new long[inputs.Length][];
            for (int i = 0; i < inputs.Length; i++)
            {
                InputTypes[i] = inputs[i].DataType;
                InputShapes[i] = inputs[i].Shape.Dimensions.ToArray();
            }

            OutputTypes = new DataType[outputs.Length];
            OutputShapes = new TensorShape[outputs.Length];
            OutputDimensions = new long[outputs.Length][];
            for (int i = 0; i < outputs.Length; i++)
            {
                OutputTypes[i] = outputs[i].DataType;
                OutputShapes[i] = outputs[i].Shape;
                OutputDimensions[i] = outputs[i].Shape.Dimensions.ToArray();
            }
        }

        public DataType[] InputTypes { get; }

        /// <summary>The input dimensions, reusable as ONNX Runtime shape arguments for matching inputs.</summary>
        public long[][] InputShapes { get; }

        public DataType[] OutputTypes { get; }

        public TensorShape[] OutputShapes { get; }

        public long[][] OutputDimensions { get; }

        /// <summary>Whether a bound run with this plan was seen to write every output in place.</summary>
        public bool Verified
        {
            get => Volatile.Read(ref _verified);
            set => Volatile.Write(ref _verified, value);
        }

        public bool Matches(ReadOnlySpan<AiTensor> inputs)
        {
            if (inputs.Length != InputShapes.Length)
            {
                return false;
            }

            for (int i = 0; i < inputs.Length; i++)
            {
                if (inputs[i].DataType != InputTypes[i] || !inputs[i].Shape.Dimensions.SequenceEqual(InputShapes[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
