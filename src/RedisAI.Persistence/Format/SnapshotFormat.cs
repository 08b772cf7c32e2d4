namespace RedisAI.Persistence.Format;

/// <summary>
/// The constants of the snapshot and append-only log formats. docs/snapshot-format.md is the specification; keep
/// the two in step, and never change the meaning of a value a released version wrote.
/// </summary>
internal static class SnapshotFormat
{
    /// <summary>The version this build writes. Readers accept every version from 1 up to this one.</summary>
    public const ushort CurrentVersion = 1;

    public const ushort OldestVersion = 1;

    /// <summary>Bytes of the fixed snapshot header, its checksum included.</summary>
    public const int SnapshotHeaderSize = 40;

    /// <summary>Bytes of the fixed log segment header, its checksum included.</summary>
    public const int LogHeaderSize = 32;

    /// <summary>
    /// The largest chunk a writer emits. Each chunk carries its own CRC-64, so chunks are hashed on one core while the
    /// previous one is written or read on another; 1 MiB keeps both in the CPU cache. Readers accept any chunk size
    /// up to <see cref="int.MaxValue"/>.
    /// </summary>
    public const int WriteChunkSize = 1 << 20;

    /// <summary>A tensor has at most this many dimensions (far above any real model's; bounds a corrupted count).</summary>
    public const int MaxRank = 255;

    /// <summary>Longest key, name, backend, device or tag string, in UTF-8 bytes (bounds a corrupted length).</summary>
    public const int MaxStringBytes = 64 << 20;

    /// <summary>Most inputs, outputs or entry points one model or script declares (bounds a corrupted count).</summary>
    public const int MaxListCount = 1 << 16;

    /// <summary>A snapshot file starts with these 8 bytes: 0x89, then "RAIS", then CR LF SUB (as PNG, so text-mode damage shows).</summary>
    public static ReadOnlySpan<byte> SnapshotMagic => [0x89, (byte)'R', (byte)'A', (byte)'I', (byte)'S', 0x0D, 0x0A, 0x1A];

    /// <summary>A log segment starts with these 8 bytes: 0x89, then "RAIL", then CR LF SUB.</summary>
    public static ReadOnlySpan<byte> LogMagic => [0x89, (byte)'R', (byte)'A', (byte)'I', (byte)'L', 0x0D, 0x0A, 0x1A];
}

/// <summary>The first byte of an entry (snapshot) or record (log). The values are part of the format.</summary>
internal enum EntryKind : byte
{
    Tensor = 1,
    Model = 2,
    Script = 3,

    /// <summary>Log only: a key was deleted.</summary>
    Remove = 0x10,

    /// <summary>Log only: a key's expiry was set or cleared.</summary>
    Expiry = 0x11,

    /// <summary>Log only: every key was removed.</summary>
    Clear = 0x12,

    /// <summary>Snapshot only: the end marker, followed by the entry count and the whole-file checksum.</summary>
    End = 0xFF,
}
