using System.Reflection;
using System.Security.Claims;
using Parley.Server.Api;

namespace Parley.Server.Messages;

/// <summary>The canonical routes under /conversations/{id} (seeds 000, 003) and seed 001/002/004's /messages aliases.</summary>
public static class MessagesApi
{
    public static RouteGroupBuilder MapMessages(this RouteGroupBuilder api)
    {
        var conversation = api.MapGroup("/conversations/{id}").WithTags("Messages");
        conversation.MapGet("/messages", List);
        conversation.MapPost("/messages", (string id, Body<SendMessageRequest> body, ClaimsPrincipal user, MessageService service, CancellationToken ct) =>
            Send(body.Value with { ConversationId = id }, user, service, ct));
        conversation.MapGet("/messages/{messageId}", (string id, string messageId, ClaimsPrincipal user, MessageService service, CancellationToken ct) =>
            Get(id, messageId, user, service, ct));
        conversation.MapPut("/messages/{messageId}", (string id, string messageId, Body<EditMessageRequest> body, ClaimsPrincipal user, MessageService service,
            CancellationToken ct) => Edit(id, messageId, body, user, service, ct));
        conversation.MapDelete("/messages/{messageId}", (string id, string messageId, ClaimsPrincipal user, MessageService service, CancellationToken ct) =>
            Delete(id, messageId, user, service, ct));
        conversation.MapPost("/messages/{messageId}/read", (string id, string messageId, ClaimsPrincipal user, MessageService service, CancellationToken ct) =>
            MarkMessageRead(id, messageId, user, service, ct));
        conversation.MapPost("/read", MarkRead);

        var messages = api.MapGroup("/messages").WithTags("Messages");
        messages.MapPost("/", (Body<SendMessageRequest> body, ClaimsPrincipal user, MessageService service, CancellationToken ct) =>
            Send(body.Value, user, service, ct));
        messages.MapGet("/conversation/{id}", List);
        messages.MapPut("/conversation/{id}/read", MarkAllRead);
        messages.MapGet("/unread/count", (ClaimsPrincipal user, MessageService service, CancellationToken ct) => Unread(null, user, service, ct));
        messages.MapGet("/unread/count/{conversationId}", (string conversationId, ClaimsPrincipal user, MessageService service, CancellationToken ct) =>
            Unread(conversationId, user, service, ct));
        messages.MapPut("/{messageId}/read", (string messageId, ClaimsPrincipal user, MessageService service, CancellationToken ct) =>
            MarkMessageRead(null, messageId, user, service, ct));
        messages.MapPut("/{messageId}", (string messageId, Body<EditMessageRequest> body, ClaimsPrincipal user, MessageService service, CancellationToken ct) =>
            Edit(null, messageId, body, user, service, ct));
        messages.MapDelete("/{messageId}", (string messageId, ClaimsPrincipal user, MessageService service, CancellationToken ct) =>
            Delete(null, messageId, user, service, ct));
        messages.MapGet("/{id}", List);
        return api;
    }

    private static async Task<IResult> Send(SendMessageRequest request, ClaimsPrincipal user, MessageService service, CancellationToken ct) =>
        (await service.SendAsync(user.Id(), request, ct)).ToResult(r => r.Created
            ? Ok.Created(r.Message, "Message sent successfully")
            : Ok.With(r.Message, "Message already sent (same clientMessageId)"));

    private static async Task<IResult> List(string id, Paging paging, Cursor cursor, ClaimsPrincipal user, MessageService service, CancellationToken ct) =>
        (await service.ListAsync(user.Id(), new ListMessages(id, paging.Page, paging.Limit, cursor.Before, cursor.After), ct))
        .ToResult(page => Ok.With(page, "Messages retrieved successfully"));

    private static async Task<IResult> Get(string? id, string messageId, ClaimsPrincipal user, MessageService service, CancellationToken ct) =>
        (await service.GetAsync(user.Id(), id, messageId, ct)).ToResult(m => Ok.With(m, "Message retrieved successfully"));

    private static async Task<IResult> Edit(string? id, string messageId, Body<EditMessageRequest> body, ClaimsPrincipal user, MessageService service,
        CancellationToken ct) =>
        (await service.EditAsync(user.Id(), id, messageId, body.Value, ct)).ToResult(m => Ok.With(m, "Message updated successfully"));

    private static async Task<IResult> Delete(string? id, string messageId, ClaimsPrincipal user, MessageService service, CancellationToken ct) =>
        (await service.DeleteAsync(user.Id(), id, messageId, ct)).ToResult(m => Ok.With(
            new DeletedMessageDto(m.Id, m.ConversationId, m.Seq, m.Deleted, m.DeletedBy, m.DeletedAt), "Message deleted successfully"));

    private static async Task<IResult> MarkRead(string id, Body<ReadRequest> body, ClaimsPrincipal user, MessageService service, CancellationToken ct) =>
        (await service.MarkReadAsync(user.Id(), id, body.Value, ct)).ToResult(r => Ok.With(r, "Messages marked as read"));

    private static async Task<IResult> MarkAllRead(string id, ClaimsPrincipal user, MessageService service, CancellationToken ct) =>
        (await service.MarkReadAsync(user.Id(), id, new ReadRequest(), ct)).ToResult(r => Ok.With(r, "Messages marked as read"));

    private static async Task<IResult> MarkMessageRead(string? id, string messageId, ClaimsPrincipal user, MessageService service, CancellationToken ct) =>
        (await service.MarkMessageReadAsync(user.Id(), id, messageId, ct)).ToResult(r => Ok.With(r, "Message marked as read"));

    private static async Task<IResult> Unread(string? conversationId, ClaimsPrincipal user, MessageService service, CancellationToken ct) =>
        (await service.UnreadAsync(user.Id(), conversationId, ct)).ToResult(r => Ok.With(r, "Unread count retrieved"));

    /// <summary>?before=&lt;seq&gt; / ?after=&lt;seq&gt; from the query; junk is a 400.</summary>
    public sealed record Cursor(long? Before, long? After) : IBindableFromHttpContext<Cursor>
    {
        public static ValueTask<Cursor?> BindAsync(HttpContext context, ParameterInfo parameter) =>
            ValueTask.FromResult<Cursor?>(new Cursor(Read(context.Request.Query, "before"), Read(context.Request.Query, "after")));

        private static long? Read(IQueryCollection query, string name)
        {
            var raw = query[name].ToString();
            if (raw.Length == 0) return null;
            if (!long.TryParse(raw, out var value) || value < 0)
                throw new BadHttpRequestException($"Query parameter '{name}' must be a message seq (a whole number)", StatusCodes.Status400BadRequest);
            return value;
        }
    }
}
