using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace RedisAI.Backends.Onnx;

/// <summary>
/// Sends ONNX Runtime's own log lines to <see cref="ILogger"/>s. ONNX Runtime has one logging function per process,
/// fixed when its environment (<see cref="OrtEnv"/>) is created, so this creates that environment with a function
/// that routes each line by the log id ONNX Runtime gives it. Each session a backend creates gets a unique id whose
/// lines name the model and go to that backend's logger. Lines of a backend without a logger, and lines of no
/// registered session, go to the logger of the first backend created with a logger factory, and are dropped until
/// there is one. When something else created the environment first, its own logging stays in place and
/// <see cref="EnsureEnvironment"/> says so.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal static partial class OnnxRuntimeLog
{
    /// <summary>The logger category of ONNX Runtime's lines.</summary>
    public const string Category = "RedisAI.Backends.Onnx.OnnxRuntime";

    private const string EnvironmentLogId = "RedisAI";

    private static readonly ConcurrentDictionary<string, SessionLog> Sessions = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();
    private static ILogger? _fallback;
    private static long _lastSession;
    private static bool _ensured;
    private static bool _forwarding;

    /// <summary>
    /// Creates ONNX Runtime's environment with the forwarding logging function, unless it exists already.
    /// </summary>
    /// <returns>Whether ONNX Runtime's lines come here: false when something else created the environment.</returns>
    /// <remarks>Throws what any first ONNX Runtime call throws when the native library cannot be loaded.</remarks>
    public static bool EnsureEnvironment()
    {
        if (Volatile.Read(ref _ensured))
        {
            return _forwarding;
        }

        lock (Gate)
        {
            if (!_ensured)
            {
                _forwarding = TryCreateEnvironment();
                Volatile.Write(ref _ensured, true);
            }

            return _forwarding;
        }
    }

    /// <summary>Makes <paramref name="logger"/> receive the lines of no registered session, unless another logger already does.</summary>
    public static void OfferFallback(ILogger logger) => Interlocked.CompareExchange(ref _fallback, logger, null);

    /// <summary>
    /// Routes the lines of one session to <paramref name="logger"/>: set the returned id as the session's
    /// <see cref="SessionOptions.LogId"/>, and pass it to <see cref="Unregister"/> when the session is disposed.
    /// </summary>
    /// <param name="logger">The backend's logger; null for the process-wide fallback.</param>
    /// <param name="modelKey">The model's key, added to each line.</param>
    public static string Register(ILogger? logger, string modelKey)
    {
        string logId = $"{EnvironmentLogId}:{Interlocked.Increment(ref _lastSession)}";
        Sessions[logId] = new SessionLog(logger, modelKey);
        return logId;
    }

    /// <summary>Stops routing the lines of a session; <paramref name="logId"/> is what <see cref="Register"/> returned for it.</summary>
    public static void Unregister(string logId) => Sessions.TryRemove(logId, out _);

    /// <summary>
    /// The ONNX Runtime severity that produces exactly the lines <paramref name="logger"/> has enabled (see
    /// <see cref="ToLogLevel"/>), so ONNX Runtime does not format lines nobody reads.
    /// </summary>
    public static OrtLoggingLevel SeverityFor(ILogger logger) =>
        logger.IsEnabled(LogLevel.Trace) ? OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE
        : logger.IsEnabled(LogLevel.Debug) ? OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO
        : logger.IsEnabled(LogLevel.Warning) ? OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING
        : logger.IsEnabled(LogLevel.Error) ? OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR
        : OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;

    /// <summary>
    /// ONNX Runtime's severities as log levels. Its INFO lines describe the engine's internals (each graph transformer
    /// applied, thread pools created), so they are <see cref="LogLevel.Debug"/>; VERBOSE is <see cref="LogLevel.Trace"/>.
    /// </summary>
    private static LogLevel ToLogLevel(OrtLoggingLevel severity) => severity switch
    {
        OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE => LogLevel.Trace,
        OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO => LogLevel.Debug,
        OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING => LogLevel.Warning,
        OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR => LogLevel.Error,
        _ => LogLevel.Critical,
    };

    private static bool TryCreateEnvironment()
    {
        if (OrtEnv.IsCreated)
        {
            return false;
        }

        var options = new EnvironmentCreationOptions
        {
            logId = EnvironmentLogId,
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
            loggingFunction = Forward,
        };
        try
        {
            OrtEnv.CreateInstanceWithOptions(ref options);
            return true;
        }
        catch (OnnxRuntimeException) when (OrtEnv.IsCreated)
        {
            // Another thread created it after the check above (through OrtEnv.Instance(), outside this lock).
            return false;
        }
    }

    private static void Forward(IntPtr param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        // Called by native code: an exception thrown here would end the process, so a failing logger loses the line.
        try
        {
            LogLevel level = ToLogLevel(severity);
            ILogger? fallback = Volatile.Read(ref _fallback);
            if (Sessions.TryGetValue(logId, out SessionLog session))
            {
                if ((session.Logger ?? fallback) is { } logger)
                {
                    ModelLine(logger, level, session.ModelKey, message, codeLocation);
                }
            }
            else if (fallback is not null)
            {
                Line(fallback, level, message, codeLocation, logId);
            }
        }
        catch (Exception)
        {
        }
    }

    [LoggerMessage(EventId = 1, Message = "Model '{ModelKey}': {OrtMessage} ({OrtCodeLocation})")]
    private static partial void ModelLine(ILogger logger, LogLevel level, string modelKey, string ortMessage, string ortCodeLocation);

    [LoggerMessage(EventId = 2, Message = "{OrtMessage} ({OrtCodeLocation}, log id '{OrtLogId}')")]
    private static partial void Line(ILogger logger, LogLevel level, string ortMessage, string ortCodeLocation, string ortLogId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information,
        Message = "ONNX Runtime's environment was created before the RedisAI ONNX backend used it, so ONNX Runtime's log lines go where that environment sends them (stderr unless it was given a logging function), not to this logger")]
    public static partial void EnvironmentNotOwned(ILogger logger);

    private readonly record struct SessionLog(ILogger? Logger, string ModelKey);
}
