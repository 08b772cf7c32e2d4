namespace RedisAI;

/// <summary>
/// One entry point of a <see cref="DotNetScript"/>: reads its inputs, keys and arguments from the context and
/// returns its output tensors (as many as the caller's OUTPUTS; return <c>[]</c> for none).
/// </summary>
/// <param name="context">The call: input tensors, key names, arguments, the store and the cancellation.</param>
/// <returns>The outputs, in order. The store takes them over; do not change their data afterwards (tensors are immutable).</returns>
public delegate AiTensor[] ScriptFunction(ScriptContext context);
