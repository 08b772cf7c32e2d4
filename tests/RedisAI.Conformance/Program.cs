using System.Diagnostics;
using System.Globalization;
using RedisAI.Backends.Onnx;
using RedisAI.Conformance;

const string DefaultCorpus = "/usr/share/libonnx-testdata/data";
string[] defaultSuites = ["node", "simple", "pytorch-converted", "pytorch-operator", "real"];

var corpora = new List<string>();
string? markdown = null;
string? filter = null;
string corpusLabel = "libonnx-testdata";
double rtol = Tolerance.OnnxDefault.Rtol;
double atol = Tolerance.OnnxDefault.Atol;
int timeoutSeconds = 60;
bool verbose = false;
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--markdown": markdown = Value(); break;
        case "--filter": filter = Value(); break;
        case "--corpus-label": corpusLabel = Value(); break;
        case "--rtol": rtol = double.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--atol": atol = double.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--timeout": timeoutSeconds = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--verbose": verbose = true; break;
        case "-h" or "--help":
            Console.WriteLine("usage: RedisAI.Conformance [CORPUS_DIR|CASE_DIR ...] [--markdown FILE] [--timeout SECONDS] [--rtol X] [--atol X] [--filter TEXT] [--corpus-label TEXT] [--verbose]");
            Console.WriteLine($"default corpus dirs: {DefaultCorpus}/{{{string.Join(',', defaultSuites)}}} (those present)");
            return 0;
        default:
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"unknown option {args[i]}; see --help");
                return 2;
            }

            corpora.Add(args[i]);
            break;
    }
}

if (corpora.Count == 0)
{
    corpora.AddRange(defaultSuites.Select(s => Path.Combine(DefaultCorpus, s)).Where(Directory.Exists));
}

var missing = corpora.Where(c => !Directory.Exists(c)).ToList();
if (corpora.Count == 0 || missing.Count > 0)
{
    Console.Error.WriteLine($"corpus not found: {(missing.Count > 0 ? string.Join(", ", missing) : DefaultCorpus)}. Install it with: apt-get install -y libonnx-testdata");
    return 2;
}

var cases = corpora.SelectMany(CorpusCase.Discover)
    .Where(c => filter is null || c.Name.Contains(filter, StringComparison.Ordinal))
    .ToList();
var tolerance = new Tolerance(rtol, atol);
Console.WriteLine($"Running {cases.Count} cases from {string.Join(", ", corpora)} through the store and a raw session (ONNX Runtime {OnnxRuntimeBackend.GetVersion()}, {tolerance}, {timeoutSeconds} s per run)");

var results = new List<CaseResult>(cases.Count);
var clock = Stopwatch.StartNew();
using (var runner = new CaseRunner(tolerance, TimeSpan.FromSeconds(timeoutSeconds)))
{
    foreach (CorpusCase corpusCase in cases)
    {
        CaseResult result = runner.Run(corpusCase);
        results.Add(result);
        if (verbose || result.Outcome is Outcome.StoreOnlyFailure or Outcome.PassesOnlyThroughStore)
        {
            Console.WriteLine($"[{results.Count}/{cases.Count}] {Report.Label(result.Outcome)}: {result.Id} ({result.Elapsed.TotalMilliseconds:0} ms){(result.Reason.Length > 0 ? ": " + result.Reason : string.Empty)}");
        }
        else if (results.Count % 100 == 0)
        {
            Console.WriteLine($"[{results.Count}/{cases.Count}] {clock.Elapsed.TotalSeconds:0} s");
        }
    }
}

var files = new TensorFileCheck();
for (int i = 0; i < cases.Count; i++)
{
    if (results[i].Outcome is not (Outcome.NotApplicable or Outcome.NotShipped))
    {
        files.Check(cases[i]);
    }
}

var report = new Report(results, files, tolerance, clock.Elapsed, OnnxRuntimeBackend.GetVersion(), corpusLabel);
if (markdown is not null)
{
    string? folder = Path.GetDirectoryName(Path.GetFullPath(markdown));
    if (folder is not null)
    {
        Directory.CreateDirectory(folder);
    }

    File.WriteAllText(markdown, report.ToMarkdown(Report.DescribeMachine(), DateTimeOffset.UtcNow));
    Console.WriteLine($"wrote {markdown}");
}

report.Print(Console.Out);
return report.Failed > 0 || files.Failures.Count > 0 ? 1 : 0;
