using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Parley.Server.Web;

/// <summary>
/// The browser client in wwwroot/, served at "/" as plain static files (no build step, no CDN), and the JavaScript
/// client it is built on (clients/js/src, embedded at build) at "/js/client/".
/// It must run before authorization: the fallback policy would otherwise demand a token for index.html.
/// </summary>
public static class WebClient
{
    public const string ClientPath = "/js/client";

    public static WebApplication UseWebClient(this WebApplication app)
    {
        var types = new FileExtensionContentTypeProvider { Mappings = { [".mjs"] = "text/javascript" } };
        // Revalidate on every load so a new server version is never mixed with cached modules of the old one.
        static void NoCache(StaticFileResponseContext file) => file.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache";
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions { ContentTypeProvider = types, OnPrepareResponse = NoCache });
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = ClientPath,
            FileProvider = new EmbeddedFileProvider(typeof(WebClient).Assembly, "Parley.Server.ClientJs"),
            ContentTypeProvider = types,
            OnPrepareResponse = NoCache,
        });
        return app;
    }
}
