using Parley.Server;
using Parley.Server.Agents;
using Parley.Server.Api;
using Parley.Server.Auth;
using Parley.Server.Conversations;
using Parley.Server.Data;
using Parley.Server.Notifications;
using Parley.Server.Messages;
using Parley.Server.Presence;
using Parley.Server.Realtime;
using Parley.Server.Users;
using Parley.Server.Web;

var builder = WebApplication.CreateBuilder(args);

builder.AddParleyHosting();
builder.Services.AddParleyJson();
builder.Services.AddParleyData(builder.Configuration);
builder.Services.AddParleyAuth();
builder.Services.AddParleyFeatures();
builder.Services.AddParleyOpenApi();

var app = builder.Build();

await app.MigrateDatabaseAsync();
await app.EnsureSigningKeyAsync();

app.UseParleyErrors();
app.MapParleyDocs();
app.UseWebClient();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapHealthChecks("/healthz").AllowAnonymous();
app.MapGateway();

var api = app.MapGroup("/api");
api.MapAuth();
api.MapUsers();
api.MapConversations();
api.MapGroupsAndChannels();
api.MapNotifications();
api.MapMessages();
api.MapStatus();
api.MapRealtime();
api.MapAgents();

app.LogListeningUrls();
app.Run();
