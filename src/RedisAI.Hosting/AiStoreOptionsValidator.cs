using Microsoft.Extensions.Options;

namespace RedisAI.Hosting;

/// <summary>Validates every named <see cref="AiStoreOptions"/>, reporting all problems at once.</summary>
internal sealed class AiStoreOptionsValidator : IValidateOptions<AiStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, AiStoreOptions options)
    {
        IReadOnlyList<string> errors = options.GetValidationErrors();
        return errors.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(errors.Select(e => $"AiStore '{name}': {e}"));
    }
}
