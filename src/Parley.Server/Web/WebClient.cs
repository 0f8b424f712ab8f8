using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Parley.Server.Web;

/// <summary>
/// The browser client in wwwroot/, served at "/" as plain static files (no build step, no CDN).
/// It must run before authorization: the fallback policy would otherwise demand a token for index.html.
/// </summary>
public static class WebClient
{
    public static WebApplication UseWebClient(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            ContentTypeProvider = new FileExtensionContentTypeProvider { Mappings = { [".mjs"] = "text/javascript" } },
            // Revalidate on every load so a new server version is never mixed with cached modules of the old one.
            OnPrepareResponse = file => file.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache",
        });
        return app;
    }
}
