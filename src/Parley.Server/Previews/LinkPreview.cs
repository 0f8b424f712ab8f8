using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;

namespace Parley.Server.Previews;

/// <summary>What a message shows for its first link.</summary>
public sealed record LinkPreview(string Url, string? Title, string? Description, string? ImageUrl, string? SiteName)
{
    /// <summary>Open Graph first, then Twitter cards, then the plain title and description; null when the page names neither.</summary>
    public static LinkPreview? FromHtml(string html, Uri pageUrl, Uri linkUrl)
    {
        var document = new HtmlParser().ParseDocument(html);
        string? Meta(params string[] keys)
        {
            foreach (var key in keys)
            {
                var element = document.QuerySelector($"meta[property='{key}'], meta[name='{key}']");
                if (element?.GetAttribute("content")?.Trim() is { Length: > 0 } content) return content;
            }
            return null;
        }
        var title = Clip(Meta("og:title", "twitter:title") ?? document.Title?.Trim(), 300);
        var description = Clip(Meta("og:description", "twitter:description", "description"), 1000);
        if (title is null && description is null) return null;
        var image = Meta("og:image", "og:image:url", "twitter:image") is { } raw && Uri.TryCreate(pageUrl, raw, out var absolute)
            && absolute.Scheme is "http" or "https" ? absolute.AbsoluteUri : null;
        return new LinkPreview(linkUrl.AbsoluteUri, title, description, image, Clip(Meta("og:site_name"), 100) ?? pageUrl.Host);
    }

    private static string? Clip(string? text, int max)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = Regex.Replace(text, @"\s+", " ").Trim();
        return text.Length <= max ? text : text[..(max - 1)] + "…";
    }
}

public static partial class Links
{
    [GeneratedRegex(@"https?://[^\s<>""'`]+", RegexOptions.IgnoreCase)]
    private static partial Regex UrlPattern();

    /// <summary>The first http(s) URL in the text, without the punctuation that usually ends a sentence after it.</summary>
    public static Uri? First(string? text)
    {
        if (string.IsNullOrEmpty(text) || UrlPattern().Match(text) is not { Success: true } match) return null;
        var url = match.Value.TrimEnd('.', ',', ';', ':', '!', '?', ')', ']', '}', '>');
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
    }
}
