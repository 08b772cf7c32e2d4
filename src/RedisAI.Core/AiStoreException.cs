namespace RedisAI;

/// <summary>
/// The base of every error the store reports. <see cref="Code"/> says what kind of error it is; the message
/// says what was wrong, which key or input, and what was expected. A failed operation leaves the store unchanged.
/// </summary>
public class AiStoreException : Exception
{
    /// <summary>Creates an exception with a code and a message.</summary>
    public AiStoreException(AiErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException) => Code = code;

    /// <summary>Creates an exception with <see cref="AiErrorCode.InvalidArgument"/>.</summary>
    public AiStoreException() : this(AiErrorCode.InvalidArgument, "The store rejected the operation.")
    {
    }

    /// <summary>Creates an exception with <see cref="AiErrorCode.InvalidArgument"/>.</summary>
    public AiStoreException(string message) : this(AiErrorCode.InvalidArgument, message)
    {
    }

    /// <summary>Creates an exception with <see cref="AiErrorCode.InvalidArgument"/>.</summary>
    public AiStoreException(string message, Exception innerException)
        : this(AiErrorCode.InvalidArgument, message, innerException)
    {
    }

    /// <summary>What kind of error this is.</summary>
    public AiErrorCode Code { get; }

    /// <summary>
    /// The same error (same type, code and details) with <paramref name="prefix"/> before its message, wrapping this
    /// one: how an error raised inside a script keeps its type and says where it came from.
    /// </summary>
    internal virtual AiStoreException WithContext(string prefix) => new(Code, prefix + Message, this);
}

/// <summary>An argument was malformed or inconsistent; nothing was changed.</summary>
public sealed class AiArgumentException : AiStoreException
{
    /// <summary>Creates the exception.</summary>
    public AiArgumentException(string message) : base(AiErrorCode.InvalidArgument, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public AiArgumentException() : base(AiErrorCode.InvalidArgument, "Invalid argument.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public AiArgumentException(string message, Exception innerException)
        : base(AiErrorCode.InvalidArgument, message, innerException)
    {
    }

    /// <summary>
    /// Throws when <paramref name="problems"/> is not empty, listing every problem at once (how every options class of
    /// the library validates): <c>invalid {subject}: first; second</c>.
    /// </summary>
    /// <param name="problems">What is wrong, one entry per problem.</param>
    /// <param name="subject">What was checked, for example <c>model options</c>.</param>
    /// <exception cref="AiArgumentException"><paramref name="problems"/> is not empty.</exception>
    public static void ThrowIfAny(IReadOnlyList<string> problems, string subject)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count > 0)
        {
            throw new AiArgumentException($"invalid {subject}: {string.Join("; ", problems)}");
        }
    }

    internal override AiStoreException WithContext(string prefix) => new AiArgumentException(prefix + Message, this);
}

/// <summary>The key does not exist or has expired.</summary>
public sealed class AiKeyNotFoundException : AiStoreException
{
    /// <summary>Creates the exception for <paramref name="key"/>.</summary>
    public AiKeyNotFoundException(string key, string message) : base(AiErrorCode.KeyNotFound, message) => Key = key;

    /// <summary>Creates the exception.</summary>
    public AiKeyNotFoundException() : base(AiErrorCode.KeyNotFound, "Key not found.") => Key = string.Empty;

    /// <summary>Creates the exception.</summary>
    public AiKeyNotFoundException(string message) : base(AiErrorCode.KeyNotFound, message) => Key = string.Empty;

    /// <summary>Creates the exception.</summary>
    public AiKeyNotFoundException(string message, Exception innerException)
        : base(AiErrorCode.KeyNotFound, message, innerException) => Key = string.Empty;

    private AiKeyNotFoundException(string key, string message, Exception innerException)
        : base(AiErrorCode.KeyNotFound, message, innerException) => Key = key;

    /// <summary>The missing key.</summary>
    public string Key { get; }

    internal override AiStoreException WithContext(string prefix) => new AiKeyNotFoundException(Key, prefix + Message, this);
}

/// <summary>The key holds a value of another kind (RedisAI's WRONGTYPE).</summary>
public sealed class AiWrongTypeException : AiStoreException
{
    /// <summary>Creates the exception for <paramref name="key"/>.</summary>
    public AiWrongTypeException(string key, KeyType expected, KeyType actual)
        : base(AiErrorCode.WrongType, $"WRONGTYPE key '{key}' holds a {actual}, expected a {expected}")
    {
        Key = key;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>Creates the exception.</summary>
    public AiWrongTypeException() : base(AiErrorCode.WrongType, "WRONGTYPE Operation against a key holding the wrong kind of value") => Key = string.Empty;

    /// <summary>Creates the exception.</summary>
    public AiWrongTypeException(string message) : base(AiErrorCode.WrongType, message) => Key = string.Empty;

    /// <summary>Creates the exception.</summary>
    public AiWrongTypeException(string message, Exception innerException)
        : base(AiErrorCode.WrongType, message, innerException) => Key = string.Empty;

    private AiWrongTypeException(AiWrongTypeException inner, string message)
        : base(AiErrorCode.WrongType, message, inner)
    {
        Key = inner.Key;
        Expected = inner.Expected;
        Actual = inner.Actual;
    }

    /// <summary>The key.</summary>
    public string Key { get; }

    /// <summary>The kind of value the operation needed.</summary>
    public KeyType Expected { get; }

    /// <summary>The kind of value the key holds.</summary>
    public KeyType Actual { get; }

    internal override AiStoreException WithContext(string prefix) => new AiWrongTypeException(this, prefix + Message);
}

/// <summary>A backend refused a model or script, could not use a device, or failed while running.</summary>
public sealed class AiBackendException : AiStoreException
{
    /// <summary>Creates the exception.</summary>
    public AiBackendException(AiErrorCode code, string message, Exception? innerException = null)
        : base(code, message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public AiBackendException() : base(AiErrorCode.ExecutionFailed, "The backend failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public AiBackendException(string message) : base(AiErrorCode.ExecutionFailed, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public AiBackendException(string message, Exception innerException)
        : base(AiErrorCode.ExecutionFailed, message, innerException)
    {
    }

    internal override AiStoreException WithContext(string prefix) => new AiBackendException(Code, prefix + Message, this);
}

/// <summary>An execution did not complete within its timeout; nothing was written.</summary>
public sealed class AiTimeoutException : AiStoreException
{
    /// <summary>Creates the exception.</summary>
    public AiTimeoutException(string message, Exception? innerException = null)
        : base(AiErrorCode.Timeout, message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public AiTimeoutException() : base(AiErrorCode.Timeout, "TIMEDOUT")
    {
    }

    /// <summary>Creates the exception.</summary>
    public AiTimeoutException(string message) : base(AiErrorCode.Timeout, message)
    {
    }

    internal override AiStoreException WithContext(string prefix) => new AiTimeoutException(prefix + Message, this);
}
