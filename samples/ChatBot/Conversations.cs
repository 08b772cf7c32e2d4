using Microsoft.Extensions.Options;

namespace RedisAI.Samples.ChatBot;

/// <summary>
/// One conversation turn per call, as one DAG on the store: the user's state and the message go in, the model runs,
/// the reply comes out and the new state is written back under the user's key with an expiry, all or nothing.
/// </summary>
/// <remarks>Thread-safe. Turns of one user run one at a time, in arrival order; different users run in parallel.</remarks>
public sealed class Conversations(IAiStore store, IOptions<ChatBotOptions> options)
{
    /// <summary>The model's key in the store.</summary>
    public const string ModelKey = "chatbot";

    private const string MessageName = "message";
    private const string ReplyName = "reply";

    private readonly KeyExpiry _stateExpiry = KeyExpiry.After(options.Value.StateTimeToLive);

    // Two turns of one user must not both start from the same state (the second would overwrite the first's), so
    // each user's turns take a lock; striped, so that memory does not grow with the number of users.
    private readonly SemaphoreSlim[] _turnLocks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>The key of a user's conversation state.</summary>
    public static string StateKey(string user) => $"chat:{user}:state";

    /// <summary>Whether a user name is accepted: 1 to 64 letters, digits, '-' or '_' (so it cannot smuggle glob patterns into keys).</summary>
    public static bool IsValidUser(string user) =>
        user.Length is > 0 and <= 64 && user.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Answers a message in a user's conversation and moves the conversation on.</summary>
    /// <exception cref="ArgumentException">The message is empty or too long (see <see cref="ChatBotModel.Encode"/>).</exception>
    public async Task<string> ReplyAsync(string user, string message, CancellationToken cancellationToken)
    {
        AiTensor input = ChatBotModel.Encode(message);
        string stateKey = StateKey(user);
        SemaphoreSlim turnLock = _turnLocks[(uint)StringComparer.Ordinal.GetHashCode(user) % (uint)_turnLocks.Length];
        await turnLock.WaitAsync(cancellationToken);
        try
        {
            DagResult result;
            try
            {
                result = await RunTurnAsync(stateKey, input, loadState: store.Exists(stateKey), cancellationToken);
            }
            catch (AiKeyNotFoundException ex) when (ex.Key == stateKey)
            {
                // The state expired between the check and the DAG's start: the conversation starts over.
                result = await RunTurnAsync(stateKey, input, loadState: false, cancellationToken);
            }

            return ChatBotModel.Decode(result[ReplyName]);
        }
        finally
        {
            turnLock.Release();
        }
    }

    private Task<DagResult> RunTurnAsync(string stateKey, AiTensor message, bool loadState, CancellationToken cancellationToken)
    {
        DagBuilder dag = store.CreateDag();

        // Inside the DAG the state is a local tensor named after its key, so Persist writes it back to that key. The
        // model's inputs and outputs are bound by its own names, so a release that reorders them needs no change here.
        _ = loadState ? dag.Load(stateKey) : dag.SetTensor(stateKey, ChatBotModel.InitialState);
        return dag
            .SetTensor(MessageName, message)
            .ExecuteModel(
                ModelKey,
                inputs: new Dictionary<string, string> { ["message"] = MessageName, ["state"] = stateKey },
                outputs: new Dictionary<string, string> { ["reply"] = ReplyName, ["new_state"] = stateKey })
            .GetTensor(ReplyName)
            .Persist(stateKey, _stateExpiry)
            .ExecuteAsync(cancellationToken);
    }
}
