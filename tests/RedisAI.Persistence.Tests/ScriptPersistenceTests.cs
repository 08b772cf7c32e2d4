using RedisAI.Backends;

namespace RedisAI.Persistence.Tests;

public sealed class ScriptPersistenceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Save_SourceScripts_ReloadWithSourceEntryPointsDeviceAndTagAndRun()
    {
        const string source = "def first(tensors, keys, args): ...\ndef second(tensors, keys, args): ...\n# ünïcode";
        using var store = EchoStore();
        store.StoreScript("s", source, new ScriptOptions { Backend = "ECHO", Device = Device.CpuAt(2), Tag = "v3", EntryPoints = ["first", "second"] });
        store.Expire("s", TimeSpan.FromHours(1));
        Persisted.SaveTo(store, _dir.SnapshotPath);

        using var loaded = EchoStore();
        using (Persisted.Loaded(loaded, Persisted.Options(_dir.SnapshotPath)))
        {
        }

        var info = loaded.GetScript("s");
        Assert.Equal(("ECHO", "CPU:2", "v3", source), (info.Backend, info.Device.ToString(), info.Tag, info.Source));
        Assert.Equal(["first", "second"], info.EntryPoints);
        Assert.NotNull(loaded.GetTimeToLive("s"));
        Assert.Equal([4f], loaded.RunScript("s", "second", [Persisted.Floats(4)])[0].GetData<float>().ToArray());
    }

    [Fact]
    public void Load_ScriptWhoseBackendIsMissing_NamesTheKeyAndLoadsNothing()
    {
        using (var store = EchoStore())
        {
            store.StoreScript("s", "def f(tensors, keys, args): ...", new ScriptOptions { Backend = "ECHO", EntryPoints = ["f"] });
            Persisted.SaveTo(store, _dir.SnapshotPath);
        }

        using var bare = Persisted.CreateStore();
        using var manager = new SnapshotManager(bare, Persisted.Options(_dir.SnapshotPath));

        var ex = Assert.Throws<SnapshotException>(() => manager.Load());

        Assert.Equal(AiErrorCode.BackendNotFound, ex.Code);
        Assert.Contains("script 's': unsupported backend 'ECHO'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_DotNetScript_IsNotWrittenAndTheRestLoads()
    {
        using var store = EchoStore();
        store.StoreScript("dotnet", DotNetScript.Create("f", static _ => []));
        store.SetTensor("t", Persisted.Floats(1));
        Persisted.SaveTo(store, _dir.SnapshotPath);

        using var loaded = Persisted.Restart(_dir.SnapshotPath);

        Assert.Equal(["t"], loaded.Scan());
    }

    [Fact]
    public void AppendLog_ScriptWritesAndDeletes_AreReplayed()
    {
        var options = Persisted.Options(_dir.SnapshotPath, log: true);
        using var store = EchoStore();
        using var manager = Persisted.Loaded(store, options);
        store.StoreScript("a", "def f(tensors, keys, args): ...", new ScriptOptions { Backend = "ECHO", EntryPoints = ["f"] });
        store.StoreScript("b", "def g(tensors, keys, args): ...", new ScriptOptions { Backend = "ECHO", EntryPoints = ["g"] });
        store.DeleteScript("a");

        using var loaded = EchoStore();
        using (Persisted.Loaded(loaded, Persisted.Options(_dir.SnapshotPath, log: true)))
        {
            Assert.Equal(["b"], loaded.Scan());
            Assert.Equal(["g"], loaded.GetScript("b").EntryPoints);
        }
    }

    private static AiStore EchoStore() => new((AiStoreOptions?)null, [new EchoScriptBackend()]);

    /// <summary>A script backend for tests: accepts source that defines every entry point; running returns the inputs.</summary>
    private sealed class EchoScriptBackend : IModelBackend, IScriptBackend
    {
        public string Name => "ECHO";

        public ICompiledModel Load(ReadOnlyMemory<byte> model, ModelLoadContext context) =>
            throw new AiBackendException(AiErrorCode.InvalidModel, "ECHO runs scripts only");

        public ICompiledScript Compile(string source, ScriptLoadContext context)
        {
            foreach (string entryPoint in context.EntryPoints)
            {
                if (!source.Contains($"def {entryPoint}(", StringComparison.Ordinal))
                {
                    throw new AiBackendException(AiErrorCode.InvalidModel, $"Function {entryPoint} does not exist in the given script.");
                }
            }

            return new Echo();
        }

        private sealed class Echo : ICompiledScript
        {
            public AiTensor[] Run(string entryPoint, ReadOnlySpan<AiTensor> inputs, IReadOnlyList<string> keys, IReadOnlyList<ScriptArgument> args, in ScriptRunContext context) =>
                inputs.ToArray();

            public void Dispose()
            {
            }
        }
    }
}
