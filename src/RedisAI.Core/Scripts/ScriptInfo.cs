namespace RedisAI;

/// <summary>A stored script's metadata and source (RedisAI's AI.SCRIPTGET).</summary>
/// <param name="Key">The key it is stored under.</param>
/// <param name="Backend">The backend name, upper case: <c>TORCH</c>, or <c>DOTNET</c> for a <see cref="DotNetScript"/>.</param>
/// <param name="Device">The device and run queue.</param>
/// <param name="Tag">The tag.</param>
/// <param name="EntryPoints">The functions callers may execute, in the order they were declared.</param>
/// <param name="Source">The source exactly as stored; empty for a <see cref="DotNetScript"/>, whose code is compiled into the app.</param>
public sealed record ScriptInfo(
    string Key,
    string Backend,
    Device Device,
    string Tag,
    IReadOnlyList<string> EntryPoints,
    string Source);
