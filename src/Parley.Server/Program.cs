using Parley.Server;
using Parley.Server.Agents;
using Parley.Server.Api;
using Parley.Server.AsyncApi;
using Parley.Server.Auth;
using Parley.Server.Compat;
using Parley.Server.Conversations;
using Parley.Server.Data;
using Parley.Server.Integrations;
using Parley.Server.Messages;
using Parley.Server.Moderation;
using Parley.Server.Monitoring;
using Parley.Server.Notifications;
using Parley.Server.Pins;
using Parley.Server.Presence;
using Parley.Server.Push;
using Parley.Server.Reactions;
using Parley.Server.Realtime;
using Parley.Server.Search;
using Parley.Server.SocketIo;
using Parley.Server.Threads;
using Parley.Server.Unread;
using Parley.Server.Uploads;
using Parley.Server.Users;
using Parley.Server.Web;

// No appsettings reload: its watcher covers the whole content root, which holds the zero-config data folder,
// so every SQLite write woke it (measured: ~5% of a core under load). Settings apply at start-up.
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);

builder.AddParleyHosting();
builder.Services.AddServerMetrics();
builder.Services.AddParleyJson(UsersJsonContext.Default, ConversationsJsonContext.Default, MessagesJsonContext.Default, AgentsJsonContext.Default);
builder.Services.AddParleyData(builder.Configuration);
builder.Services.AddParleyAuth();
builder.Services.AddParleyFeatures();
builder.Services.AddModeration();
builder.Services.AddIntegrations();
builder.Services.AddCompatProfiles();
builder.Services.AddSocketIo();
builder.Services.AddParleyOpenApi();
builder.Services.AddAsyncApi();

var app = builder.Build();

await app.MigrateDatabaseAsync();
await app.EnsureSigningKeyAsync();
await app.ApplyServerAdminsAsync();
await app.EnsureStorageAsync();
await app.EnsureVapidKeysAsync();

app.UseHttpMetrics();
app.UseCompatProfiles();
app.UseParleyErrors();
app.UseDotSegmentGuard();
app.MapParleyDocs();
app.UseWebClient();
app.UseAuthentication();
app.UseUserActivity();
app.UseAuthorization();
app.UseRateLimiter();

app.MapHealthChecks("/healthz").AllowAnonymous();
app.MapMetrics();
app.MapGateway();
app.MapAsyncApi();
app.MapSocketIo();

var api = app.MapGroup("/api").ValidateRequestInput();
api.MapAuth();
api.MapUsers();
api.MapConversations();
api.MapMutes();
api.MapGroupsAndChannels();
api.MapNotifications();
api.MapMessages();
api.MapReactions();
api.MapPins();
api.MapMarkUnread();
api.MapSearch();
api.MapThreads();
api.MapStatus();
api.MapRealtime();
api.MapConnect();
api.MapAgents();
api.MapAdmin();
api.MapConversationModeration();
api.MapBlocks();
api.MapReports();
api.MapUploads();
api.MapApiKeys();
api.MapApps();
api.MapWebhooks();
api.MapPush();

app.LogListeningUrls();
app.Run();
