using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace RedisAI.Samples.Tests;

/// <summary>
/// The packages as a user gets them: packed from the repository (Release), restored from a folder feed by a new app
/// outside the repository, and run. Takes about 1.5 minutes on 2 cores (a Release build of the packed projects).
/// </summary>
public sealed class PackagingTests(ITestOutputHelper log) : IDisposable
{
    private const string Version = "0.1.0-test";

    private static readonly string[] Projects =
    [
        "src/RedisAI.Core/RedisAI.Core.csproj",
        "src/RedisAI.Persistence/RedisAI.Persistence.csproj",
        "src/RedisAI.Hosting/RedisAI.Hosting.csproj",
        "src/RedisAI.Backends/RedisAI.Backends.Onnx/RedisAI.Backends.Onnx.csproj",
        "src/RedisAI.Backends/RedisAI.Backends.Torch/RedisAI.Backends.Torch.csproj",
        "src/RedisAI.Testing/RedisAI.Testing.csproj",
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("redisai-packaging-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Packages_PackedAndConsumedByANewApp_RunAModel()
    {
        var watch = Stopwatch.StartNew();
        string feed = Path.Combine(_directory, "feed");
        string[] projects = [.. Projects.Select(p => TestSupport.InRepository(p.Split('/'))).Where(File.Exists)];
        string solution = Path.Combine(_directory, "packages.slnx");
        new XElement("Solution", projects.Select(p => new XElement("Project", new XAttribute("Path", p)))).Save(solution);

        await RunAsync(_directory, TimeSpan.FromMinutes(8),
            "pack", solution, "-c", "Release", "-o", feed, $"-p:Version={Version}", "--artifacts-path", Path.Combine(_directory, "artifacts"), "-nodeReuse:false");
        log.WriteLine($"packed {projects.Length} projects in {watch.Elapsed}");

        foreach (string project in projects)
        {
            AssertPackageMetadata(Path.Combine(feed, $"{Path.GetFileNameWithoutExtension(project)}.{Version}.nupkg"));
        }

        string app = CreateConsumer(feed);
        (_, string output) = await RunAsync(app, TimeSpan.FromMinutes(3), "run", "-nodeReuse:false");
        log.WriteLine($"packed, restored and ran in {watch.Elapsed}");

        float[] expected = Testing.Onnx.TestModels.MlpReference([4, 16, 3], 42, [5.1f, 3.5f, 1.4f, 0.2f]);
        string line = output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("scores:", StringComparison.Ordinal));
        float[] scores = [.. line["scores:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(expected.Length, scores.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], scores[i], 1e-4f);
        }
    }

    private static void AssertPackageMetadata(string package)
    {
        Assert.True(File.Exists(package), $"{package} was not created");
        using ZipArchive zip = ZipFile.OpenRead(package);
        string id = Path.GetFileNameWithoutExtension(package)[..^(Version.Length + 1)];
        using Stream nuspecStream = zip.GetEntry($"{id}.nuspec")!.Open();
        XElement metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        Assert.False(string.IsNullOrWhiteSpace(Field("description")), $"{id}: no Description");
        Assert.False(string.IsNullOrWhiteSpace(Field("tags")), $"{id}: no PackageTags");
        Assert.False(string.IsNullOrWhiteSpace(Field("license")), $"{id}: no license");
        string? readme = Field("readme");
        Assert.False(string.IsNullOrWhiteSpace(readme), $"{id}: no PackageReadmeFile");
        Assert.NotNull(zip.GetEntry(readme));
        Assert.NotNull(zip.GetEntry($"lib/net10.0/{id}.dll"));
        Assert.True(zip.GetEntry($"lib/net10.0/{id}.xml") is not null, $"{id}: no XML documentation");
    }

    /// <summary>A console app outside the repository that takes the packages from the feed, the rest from the usual sources.</summary>
    private string CreateConsumer(string feed)
    {
        string app = Directory.CreateDirectory(Path.Combine(_directory, "app")).FullName;

        // The machine's own sources (nuget.org or its mirror) come from the user's NuGet.Config; this adds the feed.
        new XElement("configuration", new XElement("packageSources",
            new XElement("add", new XAttribute("key", "redisai-test"), new XAttribute("value", feed)))).Save(Path.Combine(app, "nuget.config"));

        // The test packages go to a private folder, so a rebuilt 0.1.0-test is never shadowed by an older one in the
        // global folder; everything else is taken from the global folder when it is there.
        string globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string onnxRuntimeVersion = XDocument.Load(TestSupport.InRepository("Directory.Packages.props")).Descendants("PackageVersion")
            .Single(e => (string?)e.Attribute("Include") == "Microsoft.ML.OnnxRuntime").Attribute("Version")!.Value;
        new XElement("Project", new XAttribute("Sdk", "Microsoft.NET.Sdk"),
            new XElement("PropertyGroup",
                new XElement("OutputType", "Exe"),
                new XElement("TargetFramework", "net10.0"),
                new XElement("ImplicitUsings", "enable"),
                new XElement("Nullable", "enable"),
                new XElement("NuGetAudit", "false"),
                new XElement("RestorePackagesPath", Path.Combine(_directory, "packages")),
                new XElement("RestoreAdditionalProjectFallbackFolders", globalPackages)),
            new XElement("ItemGroup",
                PackageReference("RedisAI.Core", Version),
                PackageReference("RedisAI.Backends.Onnx", Version),
                PackageReference("Microsoft.ML.OnnxRuntime", onnxRuntimeVersion),
                new XElement("None", new XAttribute("Include", "classifier.onnx"), new XAttribute("CopyToOutputDirectory", "PreserveNewest"))))
            .Save(Path.Combine(app, "app.csproj"));

        File.Copy(TestSupport.InRepository("samples", "Quickstart", "classifier.onnx"), Path.Combine(app, "classifier.onnx"));
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using System.Globalization;
            using RedisAI;
            using RedisAI.Backends.Onnx;

            using var store = new AiStore(new OnnxRuntimeBackend());
            await store.StoreModelFromFileAsync("classifier", Path.Combine(AppContext.BaseDirectory, "classifier.onnx"), new ModelOptions { Backend = "ONNX" });
            store.SetTensor("features", AiTensor.Create<float>([5.1f, 3.5f, 1.4f, 0.2f], 1, 4));
            await store.ExecuteModelAsync("classifier", ["features"], ["scores"]);
            Console.WriteLine("scores: " + string.Join(" ", store.GetTensor("scores").GetData<float>().ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            """);
        return app;

        static XElement PackageReference(string id, string version) =>
            new("PackageReference", new XAttribute("Include", id), new XAttribute("Version", version));
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string directory, TimeSpan timeout, params string[] arguments)
    {
        (int exitCode, string output) = await TestSupport.RunDotnetAsync(directory, timeout, arguments);
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', arguments)} failed ({exitCode}):\n{output}");
        log.WriteLine($"dotnet {arguments[0]}: ok");
        return (exitCode, output);
    }
}
