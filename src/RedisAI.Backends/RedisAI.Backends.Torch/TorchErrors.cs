namespace RedisAI.Backends.Torch;

/// <summary>A TorchScript compile or load error, with libtorch's message.</summary>
internal sealed class TorchScriptException : Exception
{
    public TorchScriptException(string message)
        : base(message)
    {
    }

    public TorchScriptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TorchScriptException()
    {
    }
}

/// <summary>Turns libtorch's error texts into messages fit for an exception.</summary>
internal static class TorchErrors
{
    /// <summary>
    /// Trims the text and drops the C++ backtrace libtorch appends to c10 errors ("Exception raised from ...
    /// frame #0 ..."): useless to callers and long. TorchScript's own traceback (file, line, <c>~~~ &lt;--- HERE</c>) stays.
    /// </summary>
    public static string Clean(string message)
    {
        int backtrace = message.IndexOf("\nException raised from ", StringComparison.Ordinal);
        string text = backtrace >= 0 ? message[..backtrace] : message;
        return text.Trim();
    }
}
