namespace RedisAI;

/// <summary>A key <see cref="AiStore.Restore"/> could not bring back, and why.</summary>
/// <param name="Key">The key.</param>
/// <param name="Type">The kind of value it held.</param>
/// <param name="Error">What went wrong: <see cref="AiErrorCode.BackendNotFound"/> when the backend is not registered, <see cref="AiErrorCode.InvalidModel"/> or <see cref="AiErrorCode.DeviceUnavailable"/> when it would not compile.</param>
public sealed record StoreRestoreFailure(string Key, KeyType Type, AiStoreException Error);

/// <summary>The outcome of <see cref="AiStore.Restore"/>.</summary>
/// <param name="Applied">Whether the store's contents were replaced. False only when some key failed and failures were not to be skipped; then the store is unchanged.</param>
/// <param name="Restored">The number of keys written (0 when not applied).</param>
/// <param name="Expired">The number of entries left out because their expiry had passed.</param>
/// <param name="Failures">The keys that could not be restored (left out, or the reason nothing was applied).</param>
public sealed record StoreRestoreResult(bool Applied, int Restored, int Expired, IReadOnlyList<StoreRestoreFailure> Failures);
