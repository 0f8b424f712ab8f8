using System.Security.Claims;
using Parley.Server.Api;
using Parley.Server.Auth;

namespace Parley.Server.Search;

public static class SearchApi
{
    public static IServiceCollection AddSearch(this IServiceCollection services) => services.AddSingleton<SearchService>();

    /// <summary>GET /api/search/messages?q=…&amp;conversationId=&amp;from=&amp;before=&amp;after=&amp;type=&amp;hasFile=&amp;sort=&amp;cursor=&amp;limit=</summary>
    public static RouteGroupBuilder MapSearch(this RouteGroupBuilder api)
    {
        api.MapGroup("/search").WithTags("Search").MapGet("/messages", async (HttpContext http, ClaimsPrincipal user, SearchService service, CancellationToken ct) =>
            (await service.SearchAsync(user.Id(), SearchRequest.Of(http.Request.Query), ct)).ToResult(page => Ok.With(page, "Search results")));
        return api;
    }
}
