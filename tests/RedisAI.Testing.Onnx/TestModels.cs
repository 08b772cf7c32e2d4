namespace RedisAI.Testing.Onnx;

/// <summary>
/// Ready-made ONNX models (serialised bytes) for tests, benchmarks and samples. All use opset 17 and
/// run on ONNX Runtime's CPU provider. Weights come from <see cref="SeededWeights"/>, so expected outputs
/// can be recomputed (see <see cref="MlpReference"/>).
/// </summary>
public static class TestModels
{
    /// <summary>Element-wise product, inputs <c>a</c>, <c>b</c> of shape <c>["batch", 2]</c>, output <c>c = a * b</c>.</summary>
    /// <param name="type">Element type of all three tensors (any numeric type ORT's Mul kernel has, e.g. FLOAT, DOUBLE, INT32, INT64).</param>
    /// <returns>The model.</returns>
    public static byte[] Mul(OnnxElementType type = OnnxElementType.Float) => Mul(type, "batch", 2);

    /// <summary>Element-wise product <c>c = a * b</c> with inputs and output of the given shape.</summary>
    /// <param name="type">Element type of all three tensors.</param>
    /// <param name="dims">Shape, as for <see cref="OnnxGraphBuilderBase{TSelf}.AddInput"/>; empty for scalars, <see langword="null"/> for unknown rank.</param>
    /// <returns>The model.</returns>
    public static byte[] Mul(OnnxElementType type, params object?[]? dims) => Binary("Mul", type, dims);

    /// <summary>Element-wise product <c>c = a * b</c> with the fixed shape <c>[2, 2]</c>.</summary>
    /// <param name="type">Element type of all three tensors.</param>
    /// <returns>The model.</returns>
    public static byte[] MulFixed(OnnxElementType type = OnnxElementType.Float) => Mul(type, 2, 2);

    /// <summary>Element-wise product <c>c = a * b</c> with no declared shape at all (any rank, broadcasting).</summary>
    /// <param name="type">Element type of all three tensors.</param>
    /// <returns>The model.</returns>
    public static byte[] MulDynamic(OnnxElementType type = OnnxElementType.Float) => Binary("Mul", type, null);

    /// <summary>Element-wise sum, inputs <c>a</c>, <c>b</c> of shape <c>["batch", 2]</c>, output <c>c = a + b</c>.</summary>
    /// <param name="type">Element type of all three tensors.</param>
    /// <returns>The model.</returns>
    public static byte[] Add(OnnxElementType type = OnnxElementType.Float) => Add(type, "batch", 2);

    /// <summary>Element-wise sum <c>c = a + b</c> with inputs and output of the given shape.</summary>
    /// <param name="type">Element type of all three tensors.</param>
    /// <param name="dims">Shape, as for <see cref="OnnxGraphBuilderBase{TSelf}.AddInput"/>.</param>
    /// <returns>The model.</returns>
    public static byte[] Add(OnnxElementType type, params object?[]? dims) => Binary("Add", type, dims);

    /// <summary>Element-wise sum <c>c = a + b</c> with the fixed shape <c>[2, 2]</c>.</summary>
    /// <param name="type">Element type of all three tensors.</param>
    /// <returns>The model.</returns>
    public static byte[] AddFixed(OnnxElementType type = OnnxElementType.Float) => Add(type, 2, 2);

    /// <summary>
    /// Identity: input <c>x</c>, output <c>y = x</c>. Works for every <see cref="OnnxElementType"/> except
    /// <see cref="OnnxElementType.Undefined"/>, STRING included.
    /// </summary>
    /// <param name="type">Element type.</param>
    /// <param name="rank">Rank; dimension 0 is named <c>"batch"</c>, the others <c>"d1"</c>, <c>"d2"</c>…; 0 is a scalar.</param>
    /// <returns>The model.</returns>
    public static byte[] Identity(OnnxElementType type, int rank = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        var dims = Enumerable.Range(0, rank).Select(i => (object?)(i == 0 ? "batch" : $"d{i}")).ToArray();
        return Identity(type, dims);
    }

    /// <summary>Identity <c>y = x</c> with the given shape.</summary>
    /// <param name="type">Element type.</param>
    /// <param name="dims">Shape, as for <see cref="OnnxGraphBuilderBase{TSelf}.AddInput"/>.</param>
    /// <returns>The model.</returns>
    public static byte[] Identity(OnnxElementType type, object?[]? dims) =>
        new OnnxModelBuilder("identity")
            .AddInput("x", type, dims)
            .AddOutput("y", type, dims)
            .AddNode("Identity", ["x"], ["y"])
            .Build();

    /// <summary>
    /// One dense layer: input <c>x</c> FLOAT <c>["batch", inFeatures]</c>, output <c>y = x·W + b</c>
    /// FLOAT <c>["batch", outFeatures]</c> (MatMul + Add). Same weights as <c>Mlp([inFeatures, outFeatures], seed)</c>.
    /// </summary>
    /// <param name="inFeatures">Input width.</param>
    /// <param name="outFeatures">Output width.</param>
    /// <param name="seed">Weight seed.</param>
    /// <returns>The model.</returns>
    public static byte[] Linear(int inFeatures, int outFeatures, int seed) => Mlp([inFeatures, outFeatures], seed);

    /// <summary>
    /// Multi-layer perceptron: input <c>x</c> FLOAT <c>["batch", layerSizes[0]]</c>, output <c>y</c> FLOAT
    /// <c>["batch", layerSizes[^1]]</c>. Each layer is <c>x·W + b</c>, followed by Relu except after the last.
    /// Layer <c>i</c> takes W (<c>[in, out]</c>, row-major) from seed <c>seed + 2i</c> and b from <c>seed + 2i + 1</c>,
    /// both <see cref="SeededWeights.Uniform"/> with scale <c>1/sqrt(in)</c>.
    /// Time is governed by whether the weights fit the CPU cache rather than by size alone; see
    /// <see cref="RealSizedMlp"/> for a measured ~100 µs model.
    /// </summary>
    /// <param name="layerSizes">Widths of input, hidden and output layers; at least two.</param>
    /// <param name="seed">Weight seed.</param>
    /// <returns>The model.</returns>
    public static byte[] Mlp(int[] layerSizes, int seed)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        ArgumentOutOfRangeException.ThrowIfLessThan(layerSizes.Length, 2, nameof(layerSizes));
        var builder = new OnnxModelBuilder("mlp")
            .AddInput("x", OnnxElementType.Float, "batch", layerSizes[0])
            .AddOutput("y", OnnxElementType.Float, "batch", layerSizes[^1]);
        var current = "x";
        for (var layer = 0; layer < layerSizes.Length - 1; layer++)
        {
            var (weights, bias) = MlpLayer(layerSizes, seed, layer);
            int inSize = layerSizes[layer], outSize = layerSizes[layer + 1];
            var last = layer == layerSizes.Length - 2;
            string w = $"w{layer}", b = $"b{layer}", product = $"mm{layer}", sum = last ? "y" : $"add{layer}";
            builder.AddInitializer(w, [inSize, outSize], weights)
                .AddInitializer(b, [outSize], bias)
                .AddNode("MatMul", [current, w], [product])
                .AddNode("Add", [product, b], [sum]);
            current = sum;
            if (!last)
            {
                builder.AddNode("Relu", [sum], [$"relu{layer}"]);
                current = $"relu{layer}";
            }
        }

        return builder.Build();
    }

    /// <summary>
    /// A "real-sized" model: <c>Mlp([384, 768, 384], seed)</c> (2.25 MB of weights), input <c>x</c> FLOAT
    /// <c>["batch", 384]</c>, output <c>y</c> FLOAT <c>["batch", 384]</c>. Measured with ONNX Runtime 1.31 on one
    /// core of a 2 MB-L2 Xeon at about 100 µs per batch-1 run (<c>[256, 512, 256]</c>: ~20 µs,
    /// <c>[512, 768, 512]</c>: ~140 µs).
    /// </summary>
    /// <param name="seed">Weight seed.</param>
    /// <returns>The model.</returns>
    public static byte[] RealSizedMlp(int seed = 1) => Mlp([384, 768, 384], seed);

    /// <summary>Computes in plain C# what <see cref="Mlp"/> (or <see cref="Linear"/>) outputs, to check results.</summary>
    /// <param name="layerSizes">The same sizes as given to <see cref="Mlp"/>.</param>
    /// <param name="seed">The same seed as given to <see cref="Mlp"/>.</param>
    /// <param name="input">Input rows, row-major, <c>batch * layerSizes[0]</c> values.</param>
    /// <returns>Output rows, row-major, <c>batch * layerSizes[^1]</c> values.</returns>
    public static float[] MlpReference(int[] layerSizes, int seed, float[] input)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        ArgumentNullException.ThrowIfNull(input);
        var batch = input.Length / layerSizes[0];
        var current = input;
        for (var layer = 0; layer < layerSizes.Length - 1; layer++)
        {
            var (weights, bias) = MlpLayer(layerSizes, seed, layer);
            int inSize = layerSizes[layer], outSize = layerSizes[layer + 1];
            var next = new float[batch * outSize];
            for (var row = 0; row < batch; row++)
            {
                for (var o = 0; o < outSize; o++)
                {
                    var acc = bias[o];
                    for (var i = 0; i < inSize; i++)
                    {
                        acc += current[(row * inSize) + i] * weights[(i * outSize) + o];
                    }

                    next[(row * outSize) + o] = layer < layerSizes.Length - 2 ? Math.Max(acc, 0f) : acc;
                }
            }

            current = next;
        }

        return current;
    }

    /// <summary>
    /// A model whose duration the caller chooses, for timeout and cancellation tests: inputs <c>x</c> FLOAT
    /// <c>["batch", "n"]</c> and <c>m</c> INT64 scalar (shape <c>[]</c>), output <c>y = x + m</c> of x's shape.
    /// It is a <c>Loop</c> that adds 1 to <c>x</c> <c>m</c> times, so time grows linearly with <c>m</c>
    /// (measured 1.4–5 µs per iteration for small x on one core, load-dependent, so <c>m = 1_000_000</c> takes about 1.5–3.5 s); ONNX Runtime checks <c>RunOptions.Terminate</c> between iterations.
    /// </summary>
    /// <returns>The model.</returns>
    public static byte[] Slow()
    {
        var body = new OnnxGraphBuilder("slow_body")
            .AddInput("iteration", OnnxElementType.Int64)
            .AddInput("cond_in", OnnxElementType.Bool)
            .AddInput("v_in", OnnxElementType.Float, "batch", "n")
            .AddOutput("cond_out", OnnxElementType.Bool)
            .AddOutput("v_out", OnnxElementType.Float, "batch", "n")
            .AddNode("Identity", ["cond_in"], ["cond_out"])
            .AddNode("Add", ["v_in", "one"], ["v_out"]); // "one" is the outer graph's initializer.

        return new OnnxModelBuilder("slow")
            .AddInput("x", OnnxElementType.Float, "batch", "n")
            .AddInput("m", OnnxElementType.Int64)
            .AddOutput("y", OnnxElementType.Float, "batch", "n")
            .AddInitializer("one", [], [1f])
            .AddNode("Loop", ["m", "", "x"], ["y"], OnnxAttr.FromGraph("body", body))
            .Build();
    }

    /// <summary>
    /// Two outputs: inputs <c>a</c>, <c>b</c> FLOAT <c>["batch", 2]</c>, outputs <c>sum = a + b</c> and
    /// <c>product = a * b</c> of the same shape.
    /// </summary>
    /// <returns>The model.</returns>
    public static byte[] TwoOutputs() =>
        new OnnxModelBuilder("two_outputs")
            .AddInput("a", OnnxElementType.Float, "batch", 2)
            .AddInput("b", OnnxElementType.Float, "batch", 2)
            .AddOutput("sum", OnnxElementType.Float, "batch", 2)
            .AddOutput("product", OnnxElementType.Float, "batch", 2)
            .AddNode("Add", ["a", "b"], ["sum"])
            .AddNode("Mul", ["a", "b"], ["product"])
            .Build();

    /// <summary>
    /// A recurrent step with explicit state (ONNX GRU, default activations, <c>linear_before_reset = 0</c>):
    /// inputs <c>x</c> FLOAT <c>["batch", "seq", inputSize]</c> and <c>h</c> FLOAT <c>[1, "batch", hiddenSize]</c>
    /// (the previous state; zeros to start), outputs <c>y</c> FLOAT <c>["batch", "seq", hiddenSize]</c>
    /// (the state after every step) and <c>h_out</c> FLOAT <c>[1, "batch", hiddenSize]</c> (the new state, to feed
    /// back as <c>h</c>). Running two sequences one after the other equals running their concatenation.
    /// Weights: W <c>[1, 3·hidden, input]</c> from <c>seed</c>, R <c>[1, 3·hidden, hidden]</c> from <c>seed + 1</c>,
    /// B <c>[1, 6·hidden]</c> from <c>seed + 2</c>, gates in ONNX order z, r, h, scale <c>1/sqrt(hidden)</c>.
    /// </summary>
    /// <param name="inputSize">Features per step.</param>
    /// <param name="hiddenSize">State width.</param>
    /// <param name="seed">Weight seed.</param>
    /// <returns>The model.</returns>
    public static byte[] Gru(int inputSize, int hiddenSize, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        var scale = 1f / MathF.Sqrt(hiddenSize);

        // ORT's GRU kernel only implements layout 0 ([seq, batch, ...]), so batch-major x and y are transposed.
        return new OnnxModelBuilder("gru")
            .AddInput("x", OnnxElementType.Float, "batch", "seq", inputSize)
            .AddInput("h", OnnxElementType.Float, 1, "batch", hiddenSize)
            .AddOutput("y", OnnxElementType.Float, "batch", "seq", hiddenSize)
            .AddOutput("h_out", OnnxElementType.Float, 1, "batch", hiddenSize)
            .AddInitializer("W", [1, 3 * hiddenSize, inputSize], SeededWeights.Uniform(seed, 3 * hiddenSize * inputSize, scale))
            .AddInitializer("R", [1, 3 * hiddenSize, hiddenSize], SeededWeights.Uniform(seed + 1, 3 * hiddenSize * hiddenSize, scale))
            .AddInitializer("B", [1, 6 * hiddenSize], SeededWeights.Uniform(seed + 2, 6 * hiddenSize, scale))
            .AddInitializer("direction_axis", [1], [1L])
            .AddNode("Transpose", ["x"], ["x_seq_major"], OnnxAttr.FromInt64s("perm", 1, 0, 2))
            .AddNode(
                "GRU",
                ["x_seq_major", "W", "R", "B", "", "h"],
                ["y_4d", "h_out"],
                OnnxAttr.FromInt64("hidden_size", hiddenSize))
            .AddNode("Squeeze", ["y_4d", "direction_axis"], ["y_seq_major"])
            .AddNode("Transpose", ["y_seq_major"], ["y"], OnnxAttr.FromInt64s("perm", 1, 0, 2))
            .Build();
    }

    /// <summary>
    /// A toy stateful chat model, RedisAI's seed scenario: a GRU reads a message one character at a time from the
    /// conversation's previous state, and words are picked from the new state. Inputs: <c>message</c> FLOAT
    /// <c>["batch", "chars", featureSize]</c> (one feature vector per character, for example one-hot) and <c>state</c>
    /// FLOAT <c>[1, "batch", hiddenSize]</c> (zeros to start). Outputs: <c>reply</c> INT64 <c>["batch", replyLength]</c>,
    /// word indices in <c>[0, vocabularySize)</c>, and <c>new_state</c> FLOAT <c>[1, "batch", hiddenSize]</c>, to feed
    /// back as <c>state</c>. Word slot <c>k</c> is <c>argmax_v sin(new_state·Wr + br)[k, v]</c>: untrained, the sine
    /// makes the words follow small moves of the state, so the same message gets different replies as a conversation
    /// goes on.
    /// </summary>
    /// <remarks>
    /// Weights: the GRU's as in <see cref="Gru"/>, except that W has scale 1 (one-hot characters must move the state)
    /// and the update gate's input bias is raised by 2 (the state keeps most of the conversation so far). Wr
    /// <c>[hidden, replyLength·vocabulary]</c> from <c>seed + 3</c>, scale 4; br from <c>seed + 4</c>, scale 1.
    /// </remarks>
    /// <param name="featureSize">Features per character.</param>
    /// <param name="hiddenSize">State width.</param>
    /// <param name="vocabularySize">Words to choose from.</param>
    /// <param name="replyLength">Words per reply.</param>
    /// <param name="seed">Weight seed.</param>
    /// <returns>The model.</returns>
    public static byte[] ChatBot(int featureSize, int hiddenSize, int vocabularySize, int replyLength, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabularySize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(replyLength);
        var recurrentScale = 1f / MathF.Sqrt(hiddenSize);
        var slots = replyLength * vocabularySize;

        // B is [Wb_z, Wb_r, Wb_h, Rb_z, Rb_r, Rb_h]: a high update-gate bias keeps the previous state.
        var bias = SeededWeights.Uniform(seed + 2, 6 * hiddenSize, recurrentScale);
        for (var i = 0; i < hiddenSize; i++)
        {
            bias[i] += 2f;
        }

        // ORT's GRU kernel only implements layout 0 ([seq, batch, ...]), so the batch-major message is transposed.
        return new OnnxModelBuilder("chatbot")
            .AddInput("message", OnnxElementType.Float, "batch", "chars", featureSize)
            .AddInput("state", OnnxElementType.Float, 1, "batch", hiddenSize)
            .AddOutput("reply", OnnxElementType.Int64, "batch", replyLength)
            .AddOutput("new_state", OnnxElementType.Float, 1, "batch", hiddenSize)
            .AddInitializer("W", [1, 3 * hiddenSize, featureSize], SeededWeights.Uniform(seed, 3 * hiddenSize * featureSize, 1f))
            .AddInitializer("R", [1, 3 * hiddenSize, hiddenSize], SeededWeights.Uniform(seed + 1, 3 * hiddenSize * hiddenSize, recurrentScale))
            .AddInitializer("B", [1, 6 * hiddenSize], bias)
            .AddInitializer("reply_w", [hiddenSize, slots], SeededWeights.Uniform(seed + 3, hiddenSize * slots, 4f))
            .AddInitializer("reply_b", [slots], SeededWeights.Uniform(seed + 4, slots, 1f))
            .AddInitializer("state_axis", [1], [0L])
            .AddInitializer("slots_shape", [3], [-1L, replyLength, vocabularySize])
            .AddNode("Transpose", ["message"], ["message_seq_major"], OnnxAttr.FromInt64s("perm", 1, 0, 2))
            .AddNode(
                "GRU",
                ["message_seq_major", "W", "R", "B", "", "state"],
                ["", "new_state"],
                OnnxAttr.FromInt64("hidden_size", hiddenSize))
            .AddNode("Squeeze", ["new_state", "state_axis"], ["last_state"])
            .AddNode("MatMul", ["last_state", "reply_w"], ["reply_mm"])
            .AddNode("Add", ["reply_mm", "reply_b"], ["reply_pre"])
            .AddNode("Sin", ["reply_pre"], ["reply_logits"])
            .AddNode("Reshape", ["reply_logits", "slots_shape"], ["reply_slots"])
            .AddNode("ArgMax", ["reply_slots"], ["reply"], OnnxAttr.FromInt64("axis", 2), OnnxAttr.FromInt64("keepdims", 0))
            .Build();
    }

    /// <summary>
    /// Breaks the batch contract, for batching-error tests: input <c>x</c> FLOAT <c>["batch", 4]</c>, output
    /// <c>y</c> FLOAT <c>[1, 4]</c>, the column sums (ReduceSum over axis 0, keepdims), whatever the batch size.
    /// </summary>
    /// <returns>The model.</returns>
    public static byte[] WrongBatch() =>
        new OnnxModelBuilder("wrong_batch")
            .AddInput("x", OnnxElementType.Float, "batch", 4)
            .AddOutput("y", OnnxElementType.Float, 1, 4)
            .AddInitializer("axes", [1], [0L])
            .AddNode("ReduceSum", ["x", "axes"], ["y"], OnnxAttr.FromInt64("keepdims", 1))
            .Build();

    private static byte[] Binary(string opType, OnnxElementType type, object?[]? dims) =>
        new OnnxModelBuilder(opType.ToLowerInvariant())
            .AddInput("a", type, dims)
            .AddInput("b", type, dims)
            .AddOutput("c", type, dims)
            .AddNode(opType, ["a", "b"], ["c"])
            .Build();

    private static (float[] Weights, float[] Bias) MlpLayer(int[] layerSizes, int seed, int layer)
    {
        int inSize = layerSizes[layer], outSize = layerSizes[layer + 1];
        var scale = 1f / MathF.Sqrt(inSize);
        return (SeededWeights.Uniform(seed + (2 * layer), inSize * outSize, scale),
                SeededWeights.Uniform(seed + (2 * layer) + 1, outSize, scale));
    }
}
