using System.Globalization;
using System.Text;

namespace Parley.Server.Search;

/// <summary>
/// Ranks a window of matches as BM25 does (k1 1.2, b 0.75): how often the words occur, against the text's length. Every
/// word of a query must match, so every candidate holds each word, and the words weigh alike: no corpus-wide inverse
/// document frequency, which FTS5's bm25() works out by reading every match of every word, the one part of ranking
/// that grows with the index. Text is cut into words as the FTS5 tokenizer cuts it (letters and digits, lower case,
/// diacritics removed); a prefix word counts each word that starts with it.
/// </summary>
public static class Relevance
{
    private const double K1 = 1.2, B = 0.75;

    /// <summary>The ids, best first; equal scores newest (highest id) first.</summary>
    public static IEnumerable<long> Rank(List<(long Id, string? Content)> window, IReadOnlyList<SearchTerm> terms)
    {
        if (window.Count == 0) return [];
        var wanted = terms.Select(t => (Text: Fold(t.Text), t.Prefix)).ToArray();
        var counted = window.Select(m =>
        {
            var hits = new int[wanted.Length];
            var length = 0;
            foreach (var word in Words(m.Content))
            {
                length++;
                for (var t = 0; t < wanted.Length; t++)
                    if (wanted[t].Prefix ? word.StartsWith(wanted[t].Text, StringComparison.Ordinal) : word == wanted[t].Text) hits[t]++;
            }
            return (m.Id, Length: length, Hits: hits);
        }).ToList();
        var average = Math.Max(1.0, counted.Average(m => m.Length));
        return counted
            .Select(m => (m.Id, Score: m.Hits.Sum(tf => tf * (K1 + 1) / (tf + K1 * (1 - B + B * m.Length / average)))))
            .OrderByDescending(m => m.Score).ThenByDescending(m => m.Id).Select(m => m.Id);
    }

    private static IEnumerable<string> Words(string? text)
    {
        if (string.IsNullOrEmpty(text)) yield break;
        var word = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark) word.Append(rune.ToString());
            else if (word.Length > 0)
            {
                yield return Fold(word.ToString());
                word.Clear();
            }
        }
        if (word.Length > 0) yield return Fold(word.ToString());
    }

    /// <summary>Lower case without diacritics ("Café" → "cafe"), as unicode61 with remove_diacritics folds.</summary>
    private static string Fold(string word)
    {
        var decomposed = word.Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) kept.Append(c);
        return kept.ToString().ToLowerInvariant();
    }
}
