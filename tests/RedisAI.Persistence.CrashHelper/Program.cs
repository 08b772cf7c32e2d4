using RedisAI;
using RedisAI.Persistence;

// Usage: save-and-hang <snapshot path> <tensor count> <tensor megabytes>
// Loads the snapshot at the path, adds tensors, and starts a blocking save whose write stops for good halfway
// through the temporary file, after printing MID-WRITE. The parent test kills it there.
if (args is not ["save-and-hang", var path, var countText, var megabytesText])
{
    Console.Error.WriteLine("usage: save-and-hang <snapshot path> <tensor count> <tensor megabytes>");
    return 2;
}

int count = int.Parse(countText, System.Globalization.CultureInfo.InvariantCulture);
int bytes = int.Parse(megabytesText, System.Globalization.CultureInfo.InvariantCulture) << 20;
using var store = new AiStore();
var manager = new SnapshotManager(store, new SnapshotOptions { Path = path, SaveOnShutdown = false });
manager.Load();
for (int i = 0; i < count; i++)
{
    var data = new byte[bytes];
    data.AsSpan().Fill((byte)(i + 1));
    store.SetTensor($"big:{i}", AiTensor.FromBytes(DataType.UInt8, new TensorShape(bytes), data));
}

long total = (long)count * bytes;
manager.SaveStreamWrapper = file => new HangingStream(file, total / 2);
manager.Save();
Console.Error.WriteLine("the save finished, which it must not");
return 1;

/// <summary>Passes writes through until <c>limit</c> bytes, then reports and blocks forever.</summary>
internal sealed class HangingStream(Stream inner, long limit) : Stream
{
    private long _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_written + buffer.Length > limit)
        {
            int part = (int)Math.Max(0, limit - _written);
            inner.Write(buffer[..part]);
            inner.Flush();
            Console.Out.WriteLine("MID-WRITE");
            Console.Out.Flush();
            Thread.Sleep(Timeout.Infinite);
        }

        inner.Write(buffer);
        _written += buffer.Length;
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
