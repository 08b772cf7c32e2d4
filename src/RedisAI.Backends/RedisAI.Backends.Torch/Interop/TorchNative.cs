using System.Buffers;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace RedisAI.Backends.Torch;

/// <summary>
/// The one place that calls LibTorchSharp directly (pinned to TorchSharp 0.107): TorchScript compile and model load
/// through the native guard, and zero-copy tensors over store buffers.
/// </summary>
/// <remarks>
/// TorchSharp's public <c>torch.jit.compile</c>/<c>torch.jit.load</c> abort the process on TorchScript source errors
/// (see <c>redisai_torch_guard.cpp</c>), so when <c>libRedisAITorchGuard</c> is present the same exports are called
/// through it and the handles are wrapped in TorchSharp's own types; without it the public APIs are used.
/// </remarks>
internal static unsafe class TorchNative
{
    private const string GuardLibrary = "RedisAITorchGuard";

    private static readonly Lock InitLock = new();
    private static volatile bool s_initialized;

    private static delegate* unmanaged<nint, void*, byte**, nint> s_guardCallP;
    private static delegate* unmanaged<nint, void*, long, long, long, byte**, nint> s_guardCallPqqq;
    private static delegate* unmanaged<byte*, void> s_guardFree;
    private static nint s_compile;
    private static nint s_loadBytes;

    // THSTensor_new(data, deleter, sizes, ndim, data scalar type, tensor scalar type, device type, device index, requires_grad)
    private static delegate* unmanaged<void*, delegate* unmanaged<void*, void>, long*, int, sbyte, sbyte, int, int, byte, nint> s_newTensor;
    private static ConstructorInfo? s_compilationUnitConstructor;
    private static ConstructorInfo? s_scriptModuleConstructor;

    /// <summary>Whether compile and load run through the native guard (TorchScript errors become exceptions).</summary>
    public static bool IsGuarded
    {
        get
        {
            Initialize();
            return s_guardCallP != null && s_compilationUnitConstructor is not null && s_scriptModuleConstructor is not null;
        }
    }

    /// <summary>Resolves the exports; call after TorchSharp loaded its native libraries.</summary>
    /// <exception cref="DllNotFoundException">LibTorchSharp cannot be found although TorchSharp loaded.</exception>
    public static void Initialize()
    {
        if (s_initialized)
        {
            return;
        }

        lock (InitLock)
        {
            if (s_initialized)
            {
                return;
            }

            nint torchSharp = LoadLibTorchSharp();
            s_newTensor = (delegate* unmanaged<void*, delegate* unmanaged<void*, void>, long*, int, sbyte, sbyte, int, int, byte, nint>)
                NativeLibrary.GetExport(torchSharp, "THSTensor_new");
            s_compile = NativeLibrary.GetExport(torchSharp, "THSJIT_compile");
            s_loadBytes = NativeLibrary.GetExport(torchSharp, "THSJIT_load_byte_array");
            const BindingFlags Internal = BindingFlags.Instance | BindingFlags.NonPublic;
            s_compilationUnitConstructor = typeof(jit.CompilationUnit).GetConstructor(Internal, [typeof(nint)]);
            s_scriptModuleConstructor = typeof(jit.ScriptModule).GetConstructor(Internal, [typeof(nint)]);
            if (NativeLibrary.TryLoad(GuardLibrary, typeof(TorchNative).Assembly, null, out nint guard)
                || NativeLibrary.TryLoad(Path.Combine(AppContext.BaseDirectory, "libRedisAITorchGuard.so"), out guard))
            {
                s_guardCallP = (delegate* unmanaged<nint, void*, byte**, nint>)NativeLibrary.GetExport(guard, "redisai_guard_call_p");
                s_guardCallPqqq = (delegate* unmanaged<nint, void*, long, long, long, byte**, nint>)NativeLibrary.GetExport(guard, "redisai_guard_call_pqqq");
                s_guardFree = (delegate* unmanaged<byte*, void>)NativeLibrary.GetExport(guard, "redisai_guard_free");
            }

            s_initialized = true;
        }
    }

    /// <summary>Compiles TorchScript source (<c>torch.jit.compile</c>).</summary>
    /// <exception cref="TorchScriptException">The source does not compile.</exception>
    public static jit.CompilationUnit Compile(string source)
    {
        if (!IsGuarded)
        {
            return Translate(() => jit.compile(source));
        }

        byte[] utf8 = new byte[Encoding.UTF8.GetByteCount(source) + 1];
        Encoding.UTF8.GetBytes(source, utf8);
        nint handle;
        fixed (byte* text = utf8)
        {
            byte* error = null;
            handle = s_guardCallP(s_compile, text, &error);
            ThrowIfError(error, handle);
        }

        return (jit.CompilationUnit)s_compilationUnitConstructor!.Invoke([handle]);
    }

    /// <summary>Loads a TorchScript module from <c>torch.jit.save</c> bytes onto a device (<c>torch.jit.load</c>).</summary>
    /// <exception cref="TorchScriptException">The bytes are not a TorchScript module this libtorch can load.</exception>
    public static jit.ScriptModule Load(byte[] bytes, torch.Device device)
    {
        if (!IsGuarded)
        {
            return Translate(() => jit.load(bytes, device));
        }

        nint handle;
        fixed (byte* data = bytes)
        {
            byte* error = null;
            handle = s_guardCallPqqq(s_loadBytes, data, bytes.Length, (long)device.type, device.index, &error);
            ThrowIfError(error, handle);
        }

        return (jit.ScriptModule)s_scriptModuleConstructor!.Invoke([handle]);
    }

    /// <summary>
    /// A CPU tensor over <paramref name="tensor"/>'s own buffer (no copy). The buffer is kept pinned and alive until
    /// libtorch frees the storage, even if a module keeps a reference to it.
    /// </summary>
    public static Tensor FromBuffer(AiTensor tensor, ScalarType type)
    {
        Initialize();
        ReadOnlySpan<long> dimensions = tensor.Shape.Dimensions;
        if (tensor.ByteCount == 0)
        {
            return torch.empty(dimensions.ToArray(), type);
        }

        MemoryHandle pin = tensor.Pin();
        void* data = pin.Pointer;
        InputPins.Add((nint)data, pin);
        nint handle;
        fixed (long* sizes = dimensions)
        {
            handle = s_newTensor(data, &InputPins.OnStorageFreed, sizes, dimensions.Length, (sbyte)type, (sbyte)type, (int)DeviceType.CPU, -1, 0);
        }

        if (handle == 0)
        {
            InputPins.Release((nint)data);
            torch.CheckForErrors();
            throw new InvalidOperationException("libtorch returned no tensor");
        }

        return Tensor.UnsafeCreateTensor(handle);
    }

    private static nint LoadLibTorchSharp()
    {
        // TorchSharp loaded it already (by path); these find the loaded copy rather than a second one.
        if (NativeLibrary.TryLoad("LibTorchSharp", typeof(torch).Assembly, null, out nint handle)
            || NativeLibrary.TryLoad(OperatingSystem.IsWindows() ? "LibTorchSharp.dll" : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib" : "libLibTorchSharp.so", out handle))
        {
            return handle;
        }

        return NativeLibrary.Load("LibTorchSharp", typeof(torch).Assembly, null);
    }

    private static void ThrowIfError(byte* error, nint handle)
    {
        if (error != null)
        {
            string message = Marshal.PtrToStringUTF8((nint)error) ?? string.Empty;
            s_guardFree(error);
            throw new TorchScriptException(TorchErrors.Clean(message));
        }

        if (handle == 0)
        {
            // LibTorchSharp caught a c10::Error and left it in its thread-local last error.
            Translate<object?>(() =>
            {
                torch.CheckForErrors();
                return null;
            });
            throw new TorchScriptException("libtorch returned no object and no error");
        }
    }

    private static T Translate<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (ExternalException ex)
        {
            throw new TorchScriptException(TorchErrors.Clean(ex.Message), ex);
        }
    }
}
