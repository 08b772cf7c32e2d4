using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace RedisAI.Tests.Keyspace;

public sealed class SweeperFaultTests
{
    [Fact]
    public void Sweep_ListenerThrowsOnExpiry_IsLoggedAndLaterSweepsRun()
    {
        var time = new FakeTimeProvider();
        var logs = new ErrorLog();
        using var store = new AiStore(new AiStoreOptions { ExpirySweepInterval = TimeSpan.FromSeconds(1) }, loggerFactory: logs, timeProvider: time);
        var listener = new FaultyListener();
        store.AddChangeListener(listener);
        store.SetTensor("first", AiTensor.Create(new float[10]), TimeSpan.FromSeconds(2));

        time.Advance(TimeSpan.FromSeconds(3)); // the sweep hits the faulty listener

        Assert.NotEqual(0, logs.Errors);
        listener.Fail = false;
        store.SetTensor("second", AiTensor.Create(new float[10]), TimeSpan.FromSeconds(2));
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Contains("second", listener.Expired);
        Assert.Equal(0, store.GetMemoryUsage().TensorCount);
    }

    private sealed class FaultyListener : IStoreChangeListener
    {
        public bool Fail { get; set; } = true;

        public List<string> Expired { get; } = [];

        public void OnChange(in StoreChange change)
        {
            if (change.Kind == StoreChangeKind.Expired)
            {
                if (Fail)
                {
                    throw new InvalidOperationException("listener fault");
                }

                Expired.Add(change.Key!);
            }
        }
    }

    private sealed class ErrorLog : ILoggerFactory, ILogger
    {
        public int Errors { get; private set; }

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Error && exception is InvalidOperationException)
            {
                Errors++;
            }
        }

        public void Dispose()
        {
        }
    }
}
