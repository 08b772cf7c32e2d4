using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using RedisAI.Backends;
using RedisAI.Backends.Onnx;
using RedisAI.Backends.Onnx.TensorProtos;

namespace RedisAI.Conformance;

/// <summary>
/// Runs corpus cases through a store and through a raw <see cref="InferenceSession"/> configured the same way
/// (one intra-op thread, sequential execution, the backend's default graph optimizations), and classifies each.
/// </summary>
/// <remarks>Not thread-safe: run one case at a time.</remarks>
public sealed class CaseRunner : IDisposable
{
    private const GraphOptimizationLevel Optimization = GraphOptimizationLevel.ORT_ENABLE_ALL;

    private readonly AiStore _store;
    private readonly Tolerance _tolerance;
    private readonly TimeSpan _runTimeout;
    private readonly TimeSpan _guard;
    private int _counter;

    /// <param name="tolerance">How close float outputs must be.</param>
    /// <param name="runTimeout">The limit for one run of one data set, on each path.</param>
    public CaseRunner(Tolerance tolerance, TimeSpan runTimeout)
        : this(tolerance, runTimeout, CreateBackend())
    {
    }

    /// <summary>Runs the store path on the given backend (named ONNX), so tests can check that faults are caught.</summary>
    public CaseRunner(Tolerance tolerance, TimeSpan runTimeout, IModelBackend backend)
    {
        _tolerance = tolerance;
        _runTimeout = runTimeout;

        // Loading and running a case's every data set on one path must finish in this; past it the path is abandoned.
        _guard = (runTimeout * 2) + TimeSpan.FromSeconds(30);
        _store = new AiStore(backend);
    }

    /// <summary>The ONNX Runtime backend configured as the raw session is.</summary>
    public static OnnxRuntimeBackend CreateBackend() => new(new OnnxRuntimeBackendOptions
    {
        IntraOpThreads = 1,
        GraphOptimizationLevel = Optimization,
        ConfigureSession = static options => options.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
    });

    /// <summary>Runs one case both ways.</summary>
    public CaseResult Run(CorpusCase corpusCase)
    {
        ArgumentNullException.ThrowIfNull(corpusCase);
        var clock = Stopwatch.StartNew();
        string note = string.Empty;
        CaseResult Result(Outcome outcome, string reason, bool differ = false) =>
            new(corpusCase.Suite, corpusCase.Name, outcome, reason, differ, clock.Elapsed) { Note = note };

        if (!corpusCase.HasModel)
        {
            return Result(Outcome.NotShipped, "no model.onnx: ONNX's runner downloads this model (data.json); the package does not ship it");
        }

        byte[] model = File.ReadAllBytes(corpusCase.ModelPath);
        var sets = corpusCase.GetDataSets();
        string key = $"case{++_counter}";

        PathResult raw = Guarded("raw session", () => RunRaw(model, sets));
        note = raw.Note;
        if (raw.NotApplicable is { } why)
        {
            return Result(Outcome.NotApplicable, why);
        }

        if (raw.TensorFileFailure)
        {
            return Result(Outcome.StoreOnlyFailure, raw.Failure!);
        }

        PathResult store = raw.Inputs is null && raw.Failure is not null
            ? Guarded("store", () => LoadOnlyThroughStore(key, model))
            : Guarded("store", () => RunStore(key, model, raw.Inputs!));
        DeleteKeys(key);

        bool differ = OutputsDiffer(raw, store);
        if (raw.Failure is not null && store.Failure is not null && store.Outputs.Count < raw.Outputs.Count)
        {
            // The raw session ran a data set (missing only the expected values) that the store could not run at all.
            return Result(Outcome.StoreOnlyFailure, $"{store.Failure} (the raw session ran this data set; it only missed the expected outputs: {raw.Failure})", differ);
        }

        return (raw.Failure, store.Failure) switch
        {
            (null, null) => Result(Outcome.Passed, string.Empty, differ),
            (not null, not null) => Result(Outcome.FailsBoth, raw.Failure, differ),
            (null, not null) => Result(Outcome.StoreOnlyFailure, store.Failure, differ),
            (not null, null) => Result(Outcome.PassesOnlyThroughStore, "raw session: " + raw.Failure, differ),
        };
    }

    /// <inheritdoc />
    public void Dispose() => _store.Dispose();

    private static SessionOptions CreateSessionOptions() => new()
    {
        IntraOpNumThreads = 1,
        GraphOptimizationLevel = Optimization,
        LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
    };

    private PathResult RunRaw(byte[] model, IReadOnlyList<(string[] Inputs, string[] Outputs)> sets)
    {
        using SessionOptions options = CreateSessionOptions();
        InferenceSession session;
        try
        {
            session = new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException ex)
        {
            return PathResult.Failed("load: " + ex.Message);
        }

        using (session)
        {
            if (FindNonTensor(session) is { } why)
            {
                return new PathResult { NotApplicable = why };
            }

            var inputs = new List<DataSet>();
            foreach (var (inputFiles, outputFiles) in sets)
            {
                try
                {
                    inputs.Add(DataSet.Read(inputFiles, outputFiles));
                }
                catch (AiArgumentException ex)
                {
                    // The tensor files are the library's; a file it cannot read is reported against the store.
                    return new PathResult { Failure = "tensor file: " + ex.Message, TensorFileFailure = true };
                }
            }

            int reinterpreted = 0;
            foreach (DataSet set in inputs)
            {
                try
                {
                    reinterpreted += set.ReinterpretBFloat16(session.InputNames, name => Declared(session.InputMetadata, name), session.OutputNames, name => Declared(session.OutputMetadata, name));
                }
                catch (InvalidOperationException)
                {
                    // Files that match no model input or output fail the run below, with the reason.
                }
            }

            var result = new PathResult { Inputs = inputs, Note = reinterpreted > 0 ? $"UINT16 files read as BFLOAT16: {reinterpreted}" : string.Empty };
            for (int s = 0; s < inputs.Count && result.Failure is null; s++)
            {
                result.Failure = RunRawSet(session, inputs[s], s, result);
            }

            return result;
        }
    }

    private string? RunRawSet(InferenceSession session, DataSet set, int index, PathResult result)
    {
        string[] names;
        try
        {
            names = set.BindInputs(session.InputNames);
        }
        catch (InvalidOperationException ex)
        {
            return $"data set {index}: {ex.Message}";
        }

        var values = new OrtValue[set.Inputs.Length];
        try
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = RawOrt.ToOrtValue(set.Inputs[i]);
            }

            using var runOptions = new RunOptions();
            using var timer = new CancellationTokenSource(_runTimeout);
            using var registration = timer.Token.Register(() => runOptions.Terminate = true);
            IReadOnlyList<string> outputNames = session.OutputNames;
            using var results = session.Run(runOptions, names, values, outputNames);
            var outputs = new Dictionary<string, AiTensor>(StringComparer.Ordinal);
            int o = 0;
            foreach (OrtValue value in results)
            {
                outputs[outputNames[o++]] = RawOrt.ToTensor(value);
            }

            result.Outputs.Add(outputs);
            return set.CompareOutputs(outputs, outputNames, _tolerance, index);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or InvalidOperationException)
        {
            return $"data set {index}: {ex.Message}";
        }
        finally
        {
            foreach (OrtValue value in values)
            {
                value?.Dispose();
            }
        }
    }

    private PathResult LoadOnlyThroughStore(string key, byte[] model)
    {
        // ONNX Runtime could not load the model, so there are no data sets to feed; see whether the store can.
        try
        {
            _store.StoreModel(key, model, new ModelOptions { Backend = OnnxRuntimeBackend.BackendName });
            return new PathResult();
        }
        catch (Exception ex)
        {
            return PathResult.Failed("load: " + Describe(ex));
        }
    }

    private PathResult RunStore(string key, byte[] model, List<DataSet> inputs)
    {
        ModelInfo info;
        try
        {
            info = _store.StoreModel(key, model, new ModelOptions { Backend = OnnxRuntimeBackend.BackendName });
        }
        catch (Exception ex)
        {
            return PathResult.Failed("store: StoreModel: " + Describe(ex));
        }

        var result = new PathResult { Inputs = inputs };
        var inputNames = new string[info.Inputs.Count];
        for (int i = 0; i < inputNames.Length; i++)
        {
            inputNames[i] = info.Inputs[i].Name;
        }

        var outputNames = new string[info.Outputs.Count];
        var outputKeys = new string[outputNames.Length];
        for (int i = 0; i < outputNames.Length; i++)
        {
            outputNames[i] = info.Outputs[i].Name;
            outputKeys[i] = $"{key}:out{i}";
        }

        for (int s = 0; s < inputs.Count; s++)
        {
            DataSet set = inputs[s];
            try
            {
                string[] bound = set.BindInputs(inputNames);
                var inputKeys = new string[inputNames.Length];
                for (int i = 0; i < inputNames.Length; i++)
                {
                    int file = Array.IndexOf(bound, inputNames[i]);
                    inputKeys[i] = $"{key}:in{i}";
                    if (file >= 0)
                    {
                        _store.SetTensor(inputKeys[i], set.Inputs[file]);
                    }
                }

                // Three times: a model's first run with some input shapes lets ONNX Runtime allocate the outputs; later
                // ones with the same shapes bind store buffers as outputs (OnnxCompiledModel), the second checking
                // that ONNX Runtime writes them, the third as every later call runs. All must be right; the last
                // run's outputs are the ones compared bit for bit with the raw session.
                Dictionary<string, AiTensor> outputs = [];
                for (int pass = 0; pass < 3 && result.Failure is null; pass++)
                {
                    _store.ExecuteModel(key, inputKeys, outputKeys, _runTimeout);
                    outputs = new Dictionary<string, AiTensor>(StringComparer.Ordinal);
                    for (int i = 0; i < outputKeys.Length; i++)
                    {
                        outputs[outputNames[i]] = _store.GetTensor(outputKeys[i]);
                    }

                    string? failure = set.CompareOutputs(outputs, outputNames, _tolerance, s);
                    result.Failure = failure is null || pass == 0 ? failure : $"run {pass + 1} (outputs bound): {failure}";
                }

                result.Outputs.Add(outputs);
            }
            catch (Exception ex)
            {
                result.Failure = $"store: data set {s}: {Describe(ex)}";
            }

            if (result.Failure is not null)
            {
                break;
            }
        }

        return result;
    }

    private static DataType? Declared(IReadOnlyDictionary<string, NodeMetadata> metadata, string name) =>
        metadata.TryGetValue(name, out NodeMetadata? node) && node.IsTensor && node.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.BFloat16
            ? DataType.BFloat16
            : null;

    private static string? FindNonTensor(InferenceSession session)
    {
        foreach (var (kind, metadata) in new[] { ("input", session.InputMetadata), ("output", session.OutputMetadata) })
        {
            foreach (var (name, node) in metadata)
            {
                if (!node.IsTensor)
                {
                    return $"{kind} '{name}' is {node.OnnxValueType switch
                    {
                        OnnxValueType.ONNX_TYPE_SEQUENCE => "a sequence",
                        OnnxValueType.ONNX_TYPE_MAP => "a map",
                        OnnxValueType.ONNX_TYPE_OPTIONAL => "an optional",
                        _ => node.OnnxValueType.ToString(),
                    }}; the store carries tensors only";
                }
            }
        }

        return null;
    }

    private static bool OutputsDiffer(PathResult raw, PathResult store)
    {
        int sets = Math.Min(raw.Outputs.Count, store.Outputs.Count);
        for (int s = 0; s < sets; s++)
        {
            foreach (var (name, tensor) in raw.Outputs[s])
            {
                if (!store.Outputs[s].TryGetValue(name, out AiTensor? other) || !tensor.ContentEquals(other))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // Every store failure should be an AiStoreException; anything else is named so it stands out as a store bug.
    private static string Describe(Exception ex) =>
        ex is AiStoreException store ? $"{store.GetType().Name} ({store.Code}): {store.Message}" : $"unexpected {ex.GetType().FullName}: {ex.Message}";

    private PathResult Guarded(string path, Func<PathResult> work)
    {
        Task<PathResult> task = Task.Run(work);
        try
        {
            return task.WaitAsync(_guard).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            return PathResult.Failed($"{path}: did not finish within {_guard.TotalSeconds:0} s (abandoned)");
        }
        catch (Exception ex)
        {
            return PathResult.Failed($"{path}: {Describe(ex)}");
        }
    }

    private void DeleteKeys(string key)
    {
        _store.Delete(key);
        foreach (string stored in _store.Scan(key + ":*"))
        {
            _store.Delete(stored);
        }
    }

    private sealed class PathResult
    {
        public string? Failure { get; set; }

        public string? NotApplicable { get; init; }

        public bool TensorFileFailure { get; init; }

        public string Note { get; init; } = string.Empty;

        public List<DataSet>? Inputs { get; init; }

        public List<Dictionary<string, AiTensor>> Outputs { get; } = [];

        public static PathResult Failed(string reason) => new() { Failure = reason };
    }
}
