using System.Diagnostics;
using System.Globalization;

namespace RedisAI.Benchmarks;

/// <summary>
/// Measures a ratio too small for separate BenchmarkDotNet runs to resolve on a noisy machine: the baseline and the
/// candidate run in alternating blocks (A B B A, round after round), so load that comes and goes hits both alike, and
/// the result is the median of the per-round ratios. Within one process that median is precise but can be biased by
/// a few percent by where memory happened to land (two sessions' weights, caches), so <see cref="RunInProcesses"/>
/// repeats the whole measurement in fresh processes and reports the spread across them.
/// </summary>
internal static class PairedComparison
{
    public static Result Measure(string name, Func<float> baseline, Func<float> candidate, int callsPerBlock, int rounds)
    {
        // Long enough for tiered compilation to finish with both paths, which takes seconds, not calls.
        long warmUp = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(warmUp) < TimeSpan.FromSeconds(3))
        {
            Time(baseline, callsPerBlock);
            Time(candidate, callsPerBlock);
        }

        var ratios = new double[rounds];
        var baselineTimes = new double[rounds];
        var candidateTimes = new double[rounds];
        for (int round = 0; round < rounds; round++)
        {
            double a1 = Time(baseline, callsPerBlock);
            double b1 = Time(candidate, callsPerBlock);
            double b2 = Time(candidate, callsPerBlock);
            double a2 = Time(baseline, callsPerBlock);
            baselineTimes[round] = (a1 + a2) / 2;
            candidateTimes[round] = (b1 + b2) / 2;
            ratios[round] = candidateTimes[round] / baselineTimes[round];
        }

        Array.Sort(ratios);
        Array.Sort(baselineTimes);
        Array.Sort(candidateTimes);

        int middle = rounds / 2;
        return new Result(name, baselineTimes[middle], candidateTimes[middle], ratios[middle]);
    }

    /// <summary>Prints one process's results as lines <see cref="RunInProcesses"/> reads.</summary>
    public static void Report(IEnumerable<Result> results)
    {
        foreach (Result r in results)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{ResultPrefix}{r.Name}|{r.BaselineMicroseconds:R}|{r.CandidateMicroseconds:R}|{r.Ratio:R}"));
        }
    }

    /// <summary>
    /// Runs this program with <paramref name="childArguments"/> in <paramref name="processes"/> fresh processes, one
    /// after another, and prints a table: per comparison, the median over processes of each process's median ratio,
    /// the lowest and highest of those, and the median per-call times.
    /// </summary>
    public static void RunInProcesses(string childArguments, int processes)
    {
        var byName = new Dictionary<string, List<double[]>>(StringComparer.Ordinal);
        var order = new List<string>();
        for (int p = 0; p < processes; p++)
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            {
                // Started as "dotnet RedisAI.Benchmarks.dll" rather than through the app host.
                start.ArgumentList.Add(typeof(PairedComparison).Assembly.Location);
            }

            start.ArgumentList.Add(childArguments);
            using Process child = Process.Start(start)!;
            while (child.StandardOutput.ReadLine() is { } line)
            {
                if (!line.StartsWith(ResultPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                string[] parts = line[ResultPrefix.Length..].Split('|');
                if (!byName.TryGetValue(parts[0], out var list))
                {
                    byName[parts[0]] = list = [];
                    order.Add(parts[0]);
                }

                list.Add([.. parts.Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture))]);
            }

            child.WaitForExit();
            if (child.ExitCode != 0)
            {
                throw new InvalidOperationException($"measurement process {p + 1} exited with {child.ExitCode}");
            }

            Console.WriteLine($"process {p + 1} of {processes} done");
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Comparison | Baseline per call | Store per call | Ratio (median of {processes} processes) | Lowest–highest process |"));
        Console.WriteLine("|---|---:|---:|---:|---|");
        foreach (string name in order)
        {
            List<double[]> runs = byName[name];
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {name} | {Median(runs, 0):F2} µs | {Median(runs, 1):F2} µs | {Median(runs, 2):F3} | {runs.Min(r => r[2]):F3}–{runs.Max(r => r[2]):F3} |"));
        }
    }

    private const string ResultPrefix = "PAIRED|";

    private static double Median(List<double[]> runs, int column)
    {
        double[] values = [.. runs.Select(r => r[column]).Order()];
        return values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
    }

    private static double Time(Func<float> call, int calls)
    {
        float sink = 0;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++)
        {
            sink += call();
        }

        double elapsed = Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls;
        GC.KeepAlive(sink);
        return elapsed;
    }

    internal sealed record Result(
        string Name, double BaselineMicroseconds, double CandidateMicroseconds, double Ratio);
}
