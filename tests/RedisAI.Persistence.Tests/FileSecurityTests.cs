using System.Runtime.Versioning;
using RedisAI.Persistence.AppendLog;

namespace RedisAI.Persistence.Tests;

/// <summary>Who may read the files the store writes, and that nothing planted next to them is written through or deleted.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class FileSecurityTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const string VictimText = "not the store's";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [UnixFact]
    public void Save_DefaultOptions_CreatesSnapshotTempAndLogOwnerOnly()
    {
        using var store = Persisted.CreateStore();
        using var manager = Persisted.Loaded(store, Persisted.Options(_dir.SnapshotPath, log: true));
        UnixFileMode? tempMode = null;
        manager.SaveStreamWrapper = stream =>
        {
            tempMode = File.GetUnixFileMode(((FileStream)stream).Name);
            return stream;
        };
        store.SetTensor("a", Persisted.Floats(1));

        manager.Save();

        Assert.Equal(OwnerOnly, tempMode);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(_dir.SnapshotPath));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(LogSegments.PathFor(_dir.SnapshotPath, 2)));
    }

    [UnixFact]
    public void Save_GroupReadAdded_CreatesFilesAndDirectoryReadableByTheGroup()
    {
        string path = Path.Combine(_dir.Path, "data", "dump.rdai");
        var options = Persisted.Options(path, log: true);
        options.UnixFileMode = OwnerOnly | UnixFileMode.GroupRead;
        using var store = Persisted.CreateStore();
        using var manager = Persisted.Loaded(store, options);

        manager.Save();

        Assert.Equal(OwnerOnly | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        Assert.Equal(OwnerOnly | UnixFileMode.GroupRead, File.GetUnixFileMode(LogSegments.PathFor(path, 2)));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute,
            File.GetUnixFileMode(Path.GetDirectoryName(path)!));
    }

    [UnixFact]
    public void Save_DirectoryMissing_CreatesItOwnerOnly()
    {
        string path = Path.Combine(_dir.Path, "data", "dump.rdai");
        using var store = Persisted.CreateStore();
        using var manager = new SnapshotManager(store, Persisted.Options(path));
        manager.Start();

        manager.Save();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead)]
    [InlineData(UnixFileMode.UserWrite | UnixFileMode.GroupRead)]
    [InlineData(OwnerOnly | UnixFileMode.UserExecute)]
    [InlineData(OwnerOnly | UnixFileMode.SetUser)]
    public void Validate_ModeWithoutOwnerReadWriteOrWithOtherBits_FailsNamingTheOption(UnixFileMode mode)
    {
        var options = new SnapshotOptions { UnixFileMode = mode };

        var ex = Assert.Throws<AiArgumentException>(options.Validate);

        Assert.Contains(nameof(SnapshotOptions.UnixFileMode), ex.Message, StringComparison.Ordinal);
    }

    [UnixFact]
    public void Save_LinkPlantedAtTheNextLogSegment_LeavesItsTargetAloneAndLogsToAFileOfItsOwn()
    {
        string victim = Victim();
        var options = Persisted.Options(_dir.SnapshotPath, log: true);
        using (var store = Persisted.CreateStore())
        using (var manager = Persisted.Loaded(store, options))
        {
            string next = LogSegments.PathFor(_dir.SnapshotPath, 2);
            File.CreateSymbolicLink(next, victim);

            manager.Save();
            store.SetTensor("after", Persisted.Floats(7));

            Assert.Null(new FileInfo(next).LinkTarget);
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(next));
        }

        Assert.Equal(VictimText, File.ReadAllText(victim));
        using var loaded = Persisted.Restart(options);
        Assert.Equal([7f], loaded.ReadFloats("after"));
    }

    [UnixFact]
    public void Save_LinkAtTheSnapshotsName_ReplacesTheLinkNotItsTarget()
    {
        string victim = Victim();
        File.CreateSymbolicLink(_dir.SnapshotPath, victim);
        var options = Persisted.Options(_dir.SnapshotPath);
        using (var store = Persisted.CreateStore())
        using (var manager = new SnapshotManager(store, options))
        {
            manager.Start();
            store.SetTensor("a", Persisted.Floats(1));

            manager.Save();
        }

        Assert.Equal(VictimText, File.ReadAllText(victim));
        Assert.Null(new FileInfo(_dir.SnapshotPath).LinkTarget);
        using var loaded = Persisted.Restart(options);
        Assert.Equal([1f], loaded.ReadFloats("a"));
    }

    [UnixTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void CreateNew_LinkAtTheName_ThrowsAndNeitherWritesNorCreatesItsTarget(bool targetExists)
    {
        string target = _dir.File("target");
        if (targetExists)
        {
            File.WriteAllText(target, VictimText);
        }

        string temp = DurableFile.NewTempPath(_dir.SnapshotPath);
        File.CreateSymbolicLink(temp, target);

        Assert.Throws<IOException>(() => DurableFile.CreateNew(temp, OwnerOnly, FileShare.None));

        Assert.Equal(targetExists, File.Exists(target));
        if (targetExists)
        {
            Assert.Equal(VictimText, File.ReadAllText(target));
        }
    }

    [UnixFact]
    public void LoadAndSave_UnrelatedFilesAndLinksNextToTheSnapshot_LeavesThemAndDeletesOnlyItsOwnLeftovers()
    {
        var options = Persisted.Options(_dir.SnapshotPath, log: true);
        using (var store = Persisted.CreateStore())
        using (var manager = Persisted.Loaded(store, options))
        {
            store.SetTensor("a", Persisted.Floats(1));
            manager.Save();
        }

        string victim = Victim();
        string guid = Guid.NewGuid().ToString("N");
        string[] unrelated =
        [
            "dump.rdai.backup.tmp", "dump.rdai.0123.tmp", $"dump.rdai.{guid.ToUpperInvariant()}.tmp", $"dump.rdai.{guid}.tmp.old",
            $"other.rdai.{guid}.tmp", "dump.rdai.log.1", "dump.rdai.log.00000001.bak", "xdump.rdai.log.00000001",
        ];
        foreach (string name in unrelated)
        {
            File.WriteAllText(_dir.File(name), name);
        }

        string[] links = [$"dump.rdai.{Guid.NewGuid():N}.tmp", "dump.rdai.log.00000001"];
        foreach (string name in links)
        {
            File.CreateSymbolicLink(_dir.File(name), victim);
        }

        string staleTemp = DurableFile.NewTempPath(_dir.SnapshotPath);
        File.WriteAllText(staleTemp, "left by a crash");

        using (var store = Persisted.CreateStore())
        using (var manager = Persisted.Loaded(store, options))
        {
            Assert.False(File.Exists(staleTemp));
            Assert.Equal([1f], store.ReadFloats("a"));
            manager.Save();
        }

        Assert.Equal(VictimText, File.ReadAllText(victim));
        foreach (string name in unrelated)
        {
            Assert.Equal(name, File.ReadAllText(_dir.File(name)));
        }

        foreach (string name in links)
        {
            Assert.Equal(victim, new FileInfo(_dir.File(name)).LinkTarget);
        }

        // The store's own obsolete segments went; the one after the last snapshot is kept.
        Assert.Equal(["dump.rdai.log.00000004"], _dir.Files().Where(f => f.StartsWith("dump.rdai.log.0000000", StringComparison.Ordinal)).Except(unrelated).Except(links));
    }

    private string Victim()
    {
        string victim = _dir.File("victim.txt");
        File.WriteAllText(victim, VictimText);
        return victim;
    }
}
