namespace RedisAI;

/// <summary>Redis-style glob matching: <c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[^a]</c>, <c>[a-z]</c> and <c>\</c> escapes.</summary>
internal static class GlobPattern
{
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        // Iterative matcher with single-star backtracking: linear in practice, no recursion on long keys.
        int p = 0, t = 0, starP = -1, starT = -1;
        while (t < text.Length)
        {
            if (p < pattern.Length)
            {
                char c = pattern[p];
                if (c == '*')
                {
                    starP = p++;
                    starT = t;
                    continue;
                }

                if (c == '?')
                {
                    p++;
                    t++;
                    continue;
                }

                if (c == '[')
                {
                    if (TryMatchClass(pattern, ref p, text[t]))
                    {
                        t++;
                        continue;
                    }
                }
                else
                {
                    if (c == '\\' && p + 1 < pattern.Length)
                    {
                        c = pattern[++p];
                    }

                    if (c == text[t])
                    {
                        p++;
                        t++;
                        continue;
                    }
                }
            }

            if (starP < 0)
            {
                return false;
            }

            p = starP + 1;
            t = ++starT;
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    // On entry pattern[p] == '['; on a match p moves past the class.
    private static bool TryMatchClass(ReadOnlySpan<char> pattern, ref int p, char ch)
    {
        int i = p + 1;
        bool negate = i < pattern.Length && pattern[i] == '^';
        if (negate)
        {
            i++;
        }

        bool matched = false;
        while (i < pattern.Length && pattern[i] != ']')
        {
            char lo = pattern[i];
            if (lo == '\\' && i + 1 < pattern.Length)
            {
                lo = pattern[++i];
            }

            if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                char hi = pattern[i + 2];
                if (lo > hi)
                {
                    (lo, hi) = (hi, lo);
                }

                matched |= ch >= lo && ch <= hi;
                i += 3;
            }
            else
            {
                matched |= ch == lo;
                i++;
            }
        }

        if (matched == negate)
        {
            return false;
        }

        p = Math.Min(i + 1, pattern.Length);
        return true;
    }
}
