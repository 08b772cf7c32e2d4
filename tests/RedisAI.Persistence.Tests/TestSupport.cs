using RedisAI.Backends.Onnx;

namespace RedisAI.Persistence.Tests;

/// <summary>A directory of its own for one test, deleted afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("redisai-persistence-").FullName;
    }

    public string Path { get; }

    public string SnapshotPath => File("dump.rdai");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string[] Files() => [.. Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal)!];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still be releasing a file; the OS cleans temp eventually.
        }
    }
}

/// <summary>Stores, options and managers as the tests use them.</summary>
internal static class Persisted
{
    public static AiStore CreateStore(TimeProvider? time = null) => new((AiStoreOptions?)null, [new OnnxRuntimeBackend()], timeProvider: time);

    public static AiStore CreateStoreWithoutBackends(TimeProvider? time = null) => new((AiStoreOptions?)null, [], timeProvider: time);

    public static ModelOptions Onnx => new() { Backend = OnnxRuntimeBackend.BackendName };

    /// <summary>Options with no save policies and no save on shutdown: saves happen only where a test asks.</summary>
    public static SnapshotOptions Options(string path, bool log = false, AppendLogFsync fsync = AppendLogFsync.Always)
    {
        var options = new SnapshotOptions { Path = path, SaveOnShutdown = false };
        options.SavePolicies.Clear();
        options.AppendLog.Enabled = log;
        options.AppendLog.Fsync = fsync;
        return options;
    }

    /// <summary>A manager over <paramref name="store"/>, loaded (and so started).</summary>
    public static SnapshotManager Loaded(AiStore store, SnapshotOptions options, TimeProvider? time = null)
    {
        var manager = new SnapshotManager(store, options, timeProvider: time);
        manager.Load();
        return manager;
    }

    /// <summary>Saves <paramref name="store"/> to <paramref name="path"/> through a manager started empty.</summary>
    public static void SaveTo(AiStore store, string path)
    {
        using var manager = new SnapshotManager(store, Options(path));
        manager.Start();
        manager.Save();
    }

    /// <summary>Loads <paramref name="options"/>' files into a new store, as an application restarting would.</summary>
    public static AiStore Restart(SnapshotOptions options, TimeProvider? time = null, bool withBackends = true)
    {
        var store = withBackends ? CreateStore(time) : CreateStoreWithoutBackends(time);
        try
        {
            using var manager = Loaded(store, options, time);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    public static AiStore Restart(string path, TimeProvider? time = null) => Restart(Options(path), time);

    public static AiTensor Floats(params float[] values) => AiTensor.Create<float>(values, values.Length);

    public static float[] ReadFloats(this AiStore store, string key) => store.GetTensor(key).GetData<float>().ToArray();
}

/// <summary>A test of Unix permissions or symbolic links (which need privileges on Windows): skipped on Windows.</summary>
internal sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix file permissions and symbolic links";
        }
    }
}

/// <summary>As <see cref="UnixFactAttribute"/>, for a theory.</summary>
internal sealed class UnixTheoryAttribute : TheoryAttribute
{
    public UnixTheoryAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix file permissions and symbolic links";
        }
    }
}
