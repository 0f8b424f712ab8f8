using System.Security.Claims;
using Parley.Server.Api;

namespace Parley.Server.Uploads;

public static class UploadsApi
{
    public static RouteGroupBuilder MapUploads(this RouteGroupBuilder api)
    {
        api.MapPost("/uploads", Upload).WithTags("Uploads").DisableAntiforgery();
        api.MapFileSession();
        var files = api.MapGroup("/files").WithTags("Uploads").AllowAnonymous();
        files.MapMethods("/{id}", ["GET", "HEAD"], (string id, HttpContext http, FileDownloads downloads, CancellationToken ct) =>
            downloads.ServeAsync(http, id, thumbnail: false, ct));
        files.MapMethods("/{id}/thumbnail", ["GET", "HEAD"], (string id, HttpContext http, FileDownloads downloads, CancellationToken ct) =>
            downloads.ServeAsync(http, id, thumbnail: true, ct));
        return api;
    }

    private static async Task<IResult> Upload(HttpRequest request, ClaimsPrincipal user, UploadService uploads, CancellationToken ct) =>
        (await uploads.UploadAsync(request, user.Id(), ct)).ToResult(u => Ok.Created(u, "File uploaded"));
}
