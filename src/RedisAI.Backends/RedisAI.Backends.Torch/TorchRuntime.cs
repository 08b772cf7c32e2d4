using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace RedisAI.Backends.Torch;

/// <summary>Loads libtorch once, maps store devices to torch devices and applies process-wide thread settings.</summary>
internal static class TorchRuntime
{
    private static readonly Lazy<Exception?> LoadFailure = new(TryLoad, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lock ThreadSettingsLock = new();
    private static bool s_interOpThreadsSet;

    /// <summary>Makes sure TorchSharp and libtorch are loaded.</summary>
    /// <exception cref="AiBackendException"><see cref="AiErrorCode.BackendUnavailable"/> with the loader's real error.</exception>
    public static void EnsureLoaded()
    {
        if (LoadFailure.Value is { } failure)
        {
            throw new AiBackendException(
                AiErrorCode.BackendUnavailable,
                $"the TorchScript backend could not load libtorch: {DescribeLoaderError(failure)}. Reference a libtorch package in the app " +
                "(libtorch-cpu-linux-x64, libtorch-cpu-win-x64, libtorch-cpu-osx-arm64, or libtorch-cuda-12.8-linux-x64 for GPUs); on Debian 12 / " +
                "Ubuntu 22.04 keep the RedisAI.Backends.Torch build targets, which make libLibTorchSharp.so loadable there (GLIBCXX_3.4.32).",
                failure);
        }
    }

    /// <summary>The torch device for a store device.</summary>
    /// <exception cref="AiBackendException"><see cref="AiErrorCode.DeviceUnavailable"/>: no CUDA, or no such GPU.</exception>
    public static torch.Device ToTorchDevice(Device device, string what)
    {
        if (!device.IsGpu)
        {
            return torch.CPU;
        }

        if (!torch.cuda.is_available())
        {
            throw new AiBackendException(
                AiErrorCode.DeviceUnavailable,
                $"GPU requested for {what} ({device}) but TORCH couldn't find CUDA: the loaded libtorch has no CUDA support or no GPU is visible. " +
                "Reference a libtorch-cuda-* package instead of libtorch-cpu-* and install the NVIDIA driver, or store it on CPU.");
        }

        int count = torch.cuda.device_count();
        if (device.Ordinal >= count)
        {
            throw new AiBackendException(
                AiErrorCode.DeviceUnavailable,
                $"GPU requested for {what} ({device}) but CUDA device {device.Ordinal} does not exist: {count} CUDA device(s) visible (GPU:0 to GPU:{count - 1})");
        }

        return new torch.Device(DeviceType.CUDA, device.Ordinal);
    }

    /// <summary>
    /// Applies thread counts. libtorch's settings are process-wide: the intra-op count follows the last value given;
    /// the inter-op count can be set once per process, before any parallel work, so later values are ignored.
    /// </summary>
    public static void ApplyThreads(int intraOpThreads, int interOpThreads)
    {
        if (intraOpThreads <= 0 && interOpThreads <= 0)
        {
            return;
        }

        lock (ThreadSettingsLock)
        {
            if (intraOpThreads > 0 && torch.get_num_threads() != intraOpThreads)
            {
                torch.set_num_threads(intraOpThreads);
            }

            if (interOpThreads > 0 && !s_interOpThreadsSet)
            {
                s_interOpThreadsSet = true;
                try
                {
                    torch.set_num_interop_threads(interOpThreads);
                }
                catch (ExternalException)
                {
                    // libtorch refuses once inter-op work has started; the pool it has keeps serving.
                }
            }
        }
    }

    private static Exception? TryLoad()
    {
        try
        {
            // TorchSharp loads libtorch in torch's type initializer.
            RuntimeHelpers.RunClassConstructor(typeof(torch).TypeHandle);
            TorchNative.Initialize();
            return null;
        }
        catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or EntryPointNotFoundException or NotSupportedException)
        {
            return ex;
        }
    }

    // TorchSharp wraps a loader failure in a TypeInitializationException whose message blames a missing
    // libtorch package even when the real cause is, for example, an unresolved symbol version. Loading
    // LibTorchSharp by hand yields the dynamic loader's own message.
    private static string DescribeLoaderError(Exception failure)
    {
        try
        {
            NativeLibrary.Free(NativeLibrary.Load("LibTorchSharp", typeof(torch).Assembly, null));
        }
        catch (DllNotFoundException ex)
        {
            return ex.Message;
        }

        return failure.GetBaseException().Message;
    }
}
