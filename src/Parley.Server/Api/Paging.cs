using System.Reflection;

namespace Parley.Server.Api;

/// <summary>page/limit from the query: page 1-based (default 1), limit default 50, at most 100.</summary>
public sealed record Paging(int Page, int Limit) : IBindableFromHttpContext<Paging>
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    /// <summary>In 64 bits: page × limit overflows an int long before the page number does (page 21,474,838 × 100).</summary>
    public long Offset => ((long)Page - 1) * Limit;

    public static ValueTask<Paging?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var query = context.Request.Query;
        return ValueTask.FromResult<Paging?>(new Paging(Read(query, "page", 1, int.MaxValue), Read(query, "limit", DefaultLimit, MaxLimit)));
    }

    private static int Read(IQueryCollection query, string name, int fallback, int max)
    {
        var raw = query[name].ToString();
        if (raw.Length == 0) return fallback;
        if (!int.TryParse(raw, out var value) || value < 1)
            throw new BadHttpRequestException($"Query parameter '{name}' must be a positive whole number", StatusCodes.Status400BadRequest);
        return Math.Min(value, max);
    }
}

public sealed record Pagination(int CurrentPage, int TotalPages, long TotalItems, bool HasNextPage, bool HasPrevPage, int Limit)
{
    public static Pagination Of(Paging paging, long total)
    {
        var pages = (int)Math.Max(1, (total + paging.Limit - 1) / paging.Limit);
        return new Pagination(paging.Page, pages, total, paging.Page < pages, paging.Page > 1, paging.Limit);
    }
}
