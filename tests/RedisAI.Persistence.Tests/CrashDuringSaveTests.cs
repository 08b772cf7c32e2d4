using System.Diagnostics;

namespace RedisAI.Persistence.Tests;

public sealed class CrashDuringSaveTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Save_ProcessKilledMidWrite_LeavesTheLastGoodSnapshotLoadable()
    {
        using (var store = Persisted.CreateStore())
        {
            store.SetTensor("good", Persisted.Floats(1, 2, 3));
            Persisted.SaveTo(store, _dir.SnapshotPath);
        }

        byte[] good = File.ReadAllBytes(_dir.SnapshotPath);

        // The child loads that snapshot, adds 64 MiB of tensors and starts a save that stops halfway through the
        // temporary file; it is killed there, as a crash or power cut would stop it.
        using (var child = StartHelper("save-and-hang", _dir.SnapshotPath, "8", "8"))
        {
            string? line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
            if (line != "MID-WRITE")
            {
                child.Kill(entireProcessTree: true);
                Assert.Fail($"the child said '{line}', not MID-WRITE: {await child.StandardError.ReadToEndAsync()}");
            }

            string temp = Assert.Single(Directory.GetFiles(_dir.Path, "dump.rdai.*.tmp"));
            Assert.True(new FileInfo(temp).Length > 16 << 20, "the child had written a good part of the new snapshot");

            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }

        Assert.Equal(good, File.ReadAllBytes(_dir.SnapshotPath));
        using var loaded = Persisted.CreateStore();
        using (var manager = Persisted.Loaded(loaded, Persisted.Options(_dir.SnapshotPath)))
        {
            Assert.Equal(["good"], loaded.Scan());
            Assert.Equal([1f, 2, 3], loaded.ReadFloats("good"));
        }

        Assert.Equal(["dump.rdai"], _dir.Files());
    }

    private static Process StartHelper(params string[] args)
    {
        string helper = Path.Combine(AppContext.BaseDirectory, "RedisAI.Persistence.CrashHelper.dll");
        var start = new ProcessStartInfo(DotnetHost(), [helper, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return Process.Start(start) ?? throw new InvalidOperationException("the helper process did not start");
    }

    // The test host runs under the dotnet host; the CLI also tells child processes where it is.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : "dotnet";
}
