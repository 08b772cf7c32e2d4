using System.Text.RegularExpressions;

namespace RedisAI.Backends.Torch;

/// <summary>One parameter of a TorchScript function: its name and type annotation (null when it has none).</summary>
internal sealed record TorchScriptParameter(string Name, string? Annotation);

/// <summary>
/// A TorchScript function's signature read from its source: enough to name a model's inputs, count its outputs
/// and check a script's entry points before compiling (TorchSharp exposes none of this).
/// </summary>
internal sealed partial record TorchScriptSignature(string Name, IReadOnlyList<TorchScriptParameter> Parameters, string? ReturnAnnotation)
{
    /// <summary>A top-level function (<c>def name(</c> at column 0), as scripts define entry points.</summary>
    public static TorchScriptSignature? FindTopLevel(string source, string name)
    {
        var match = Regex.Match(source, $@"^def[ \t]+{Regex.Escape(name)}[ \t]*\(", RegexOptions.Multiline | RegexOptions.CultureInvariant);
        return match.Success ? Parse(source, name, match.Index + match.Length - 1) : null;
    }

    /// <summary>The names of all top-level functions, in source order (for error messages).</summary>
    public static IReadOnlyList<string> TopLevelFunctionNames(string source)
    {
        var names = new List<string>();
        foreach (Match match in TopLevelDef().Matches(source))
        {
            names.Add(match.Groups[1].Value);
        }

        return names;
    }

    /// <summary>
    /// The number of tensors a return annotation promises: 1 for <c>Tensor</c>, n for <c>Tuple[Tensor, ...]</c>;
    /// null when only the run can tell (<c>List[Tensor]</c>, no annotation, anything else).
    /// </summary>
    public int? CountReturnedTensors()
    {
        string? type = Normalize(ReturnAnnotation);
        if (type == "Tensor")
        {
            return 1;
        }

        if (type is not null && type.StartsWith("Tuple[", StringComparison.Ordinal) && type.EndsWith(']'))
        {
            List<string> elements = SplitTopLevel(type[6..^1], ',');
            return elements.TrueForAll(e => e == "Tensor") ? elements.Count : null;
        }

        return null;
    }

    /// <summary>
    /// An annotation without whitespace, module prefixes or the lower-case <c>list</c>/<c>tuple</c> spellings, so
    /// <c>typing.List[torch.Tensor]</c> reads as <c>List[Tensor]</c>.
    /// </summary>
    public static string? Normalize(string? annotation)
    {
        if (annotation is null)
        {
            return null;
        }

        string text = Whitespace().Replace(annotation, string.Empty);
        text = ModulePrefix().Replace(text, string.Empty);
        return LowerCaseGeneric().Replace(text, m => char.ToUpperInvariant(m.Value[0]) + m.Value[1..]);
    }

    /// <summary>Parses from the '(' at <paramref name="open"/>: parameters, then an optional <c>-&gt; annotation</c>.</summary>
    public static TorchScriptSignature? Parse(string source, string name, int open)
    {
        int close = FindClose(source, open);
        if (close < 0)
        {
            return null;
        }

        var parameters = new List<TorchScriptParameter>();
        foreach (string part in SplitTopLevel(source[(open + 1)..close], ','))
        {
            if (part.Length == 0)
            {
                continue; // trailing comma
            }

            List<string> byDefault = SplitTopLevel(part, '=');
            string declaration = byDefault[0];
            int colon = declaration.IndexOf(':', StringComparison.Ordinal);
            parameters.Add(colon < 0
                ? new TorchScriptParameter(declaration.Trim(), null)
                : new TorchScriptParameter(declaration[..colon].Trim(), declaration[(colon + 1)..].Trim()));
        }

        string? returns = null;
        int bodyColon = FindTopLevel(source, close + 1, ':');
        if (bodyColon > 0)
        {
            string between = source[(close + 1)..bodyColon].Trim();
            if (between.StartsWith("->", StringComparison.Ordinal))
            {
                returns = between[2..].Trim();
            }
        }

        return new TorchScriptSignature(name, parameters, returns);
    }

    // Splits at separators outside brackets and string literals; parts are trimmed.
    private static List<string> SplitTopLevel(string text, char separator)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0')
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    break;
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    depth--;
                    break;
                default:
                    if (c == separator && depth == 0)
                    {
                        parts.Add(text[start..i].Trim());
                        start = i + 1;
                    }

                    break;
            }
        }

        parts.Add(text[start..].Trim());
        return parts;
    }

    private static int FindClose(string text, int open)
    {
        int depth = 0;
        char quote = '\0';
        for (int i = open; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0')
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static int FindTopLevel(string text, int start, char wanted)
    {
        int depth = 0;
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                depth--;
            }
            else if (c == wanted && depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    [GeneratedRegex(@"^def[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*\(", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex TopLevelDef();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\b(?:typing|torch)\.", RegexOptions.CultureInvariant)]
    private static partial Regex ModulePrefix();

    [GeneratedRegex(@"\b(?:list|tuple|dict|optional)(?=\[)", RegexOptions.CultureInvariant)]
    private static partial Regex LowerCaseGeneric();
}
