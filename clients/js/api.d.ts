// client.api: one method per route (src/routes.js). Path parameters first, then the body (not for GET/HEAD), then the query.
import type * as M from './models.js';

type Id = M.Id;
type When = string | Date;
export interface CallOptions { signal?: AbortSignal }
export interface PageQuery { page?: number; limit?: number }
export interface HistoryQuery extends PageQuery { before?: number; after?: number }

export interface RegisterBody { username: string; password: string; email?: string; name?: string; profilePicture?: string }
export interface LoginBody { username?: string; email?: string; login?: string; password: string }
export interface UpdateUserBody { username?: string; email?: string; name?: string; profilePicture?: string; password?: string; currentPassword?: string }
export interface CreateConversationBody {
  type?: M.ConversationType | 'private' | '1on1'; participantId?: Id; participantIds?: Id[]; userIds?: Id[]; userId?: Id; receiverId?: Id;
  members?: Id[]; name?: string; description?: string; picture?: string; isGroup?: boolean; isAi?: boolean; is_ai?: boolean;
}
export interface UpdateConversationBody { name?: string; description?: string; picture?: string; slowModeSeconds?: number }
export interface MembersBody { userId?: Id; user_id?: Id; memberId?: Id; members?: Id[]; userIds?: Id[]; action?: 'add' | 'remove' }
export interface SendMessageBody {
  content?: string; message?: string; type?: M.MessageType; messageType?: M.MessageType; fileUrl?: string; payload?: unknown;
  clientMessageId?: string; replyToId?: Id; threadId?: Id; alsoInConversation?: boolean; attachments?: Id[]; conversationId?: Id; receiverId?: Id;
}
export interface EditMessageBody { content?: string; newContent?: string; message?: string; text?: string }
export interface ReadBody { lastMessageId?: Id; messageId?: Id; seq?: number; lastReadSeq?: number }
export interface SearchQuery {
  q: string; conversationId?: Id; from?: Id; before?: When | number; after?: When | number; type?: string; hasFile?: boolean;
  sort?: 'newest' | 'relevance'; limit?: number; cursor?: string;
}
export interface ReportBody { messageId?: Id; userId?: Id; reason: string; details?: string }
export interface UntilBody { until?: When; reason?: string }
export interface ReportDecision { status?: 'open' | 'resolved' | 'dismissed'; action?: 'none' | 'delete_message' | 'suspend_user' | 'warn'; until?: When; note?: string }
export interface WebhookBody { url: string; events: string[]; conversationIds?: Id[]; secret?: string }
export interface PushSubscriptionBody { endpoint: string; keys: { p256dh: string; auth: string } }

type Get<R, Q = Record<string, unknown>> = (query?: Q, options?: CallOptions) => Promise<R>;
type Send<R, B = Record<string, unknown>, Q = Record<string, unknown>> = (body?: B, query?: Q, options?: CallOptions) => Promise<R>;
type Get1<R, Q = Record<string, unknown>> = (a: Id, query?: Q, options?: CallOptions) => Promise<R>;
type Send1<R, B = Record<string, unknown>, Q = Record<string, unknown>> = (a: Id, body?: B, query?: Q, options?: CallOptions) => Promise<R>;
type Get2<R, Q = Record<string, unknown>> = (a: Id, b: Id, query?: Q, options?: CallOptions) => Promise<R>;
type Send2<R, B = Record<string, unknown>, Q = Record<string, unknown>> = (a: Id, b: Id, body?: B, query?: Q, options?: CallOptions) => Promise<R>;
type Send3<R> = (a: Id, b: Id, c: string, body?: Record<string, unknown>, query?: Record<string, unknown>, options?: CallOptions) => Promise<R>;
type Raw1 = (id: Id, query?: { s?: string; e?: string; t?: string }, options?: CallOptions) => Promise<Response>;

export interface ParleyApi {
  register: Send<M.AuthResult, RegisterBody>; login: Send<M.AuthResult, LoginBody>;
  registerAlias: Send<M.AuthResult, RegisterBody>; loginAlias: Send<M.AuthResult, LoginBody>;
  searchUsers: Get<M.User[], PageQuery & { search?: string }>; me: Get<M.User>; getUser: Get1<M.User>;
  updateUser: Send1<M.User, UpdateUserBody>; deleteUser: Send1<unknown, { password?: string }>;
  blockedUsers: Get<M.BlockedUser[]>; blockUser: Send1<unknown>; unblockUser: Send1<unknown>;

  listConversations: Get<M.Conversation[], PageQuery & { type?: M.ConversationType }>;
  createConversation: Send<M.Conversation, CreateConversationBody>; createDirectConversation: Send<M.Conversation, CreateConversationBody>;
  createGroupConversation: Send<M.Conversation, CreateConversationBody>; getConversation: Get1<M.Conversation>;
  updateConversation: Send1<M.Conversation, UpdateConversationBody>; deleteConversation: Send1<unknown>; leaveConversation: Send1<unknown>;
  addMembers: Send1<M.Conversation, MembersBody>; removeMembers: Send1<M.Conversation, MembersBody>; removeMember: Send2<unknown>;
  setMemberRole: Send2<M.Member, { role: M.Role }>; connectInfo: Send1<M.ConnectInfo>;
  muteConversation: Send1<M.Mute, { until?: When }>; unmuteConversation: Send1<M.Mute>;
  listGroups: Get<M.Conversation[], PageQuery>; createGroup: Send<M.Conversation, CreateConversationBody>; getGroup: Get1<M.Conversation>;
  toggleGroupMember: Send1<M.Conversation, MembersBody>; listChannels: Get<M.Conversation[], PageQuery>;
  createChannel: Send<M.Conversation, CreateConversationBody>; getChannel: Get1<M.Conversation>; toggleChannelMember: Send1<M.Conversation, MembersBody>;

  listMessages: Get1<M.MessagePage, HistoryQuery>; sendMessage: Send1<M.Message, SendMessageBody>; getMessage: Get2<M.Message>;
  editMessage: Send2<M.Message, EditMessageBody>; deleteMessage: Send2<M.DeletedMessage>; readMessage: Send2<M.MessageRead>;
  markRead: Send1<M.ReadState, ReadBody>; markUnread: Send1<M.ReadState, { messageId: Id }>; stopMessage: Send2<unknown>;
  postMessage: Send<M.Message, SendMessageBody & { conversationId: Id }>; messagesOfConversation: Get1<M.MessagePage, HistoryQuery>;
  markConversationRead: Send1<M.ReadState, ReadBody>; unreadCount: Get<M.UnreadSummary>; conversationUnreadCount: Get1<M.UnreadSummary>;
  markMessageRead: Send1<M.MessageRead>; updateMessage: Send1<M.Message, EditMessageBody>; removeMessage: Send1<M.DeletedMessage>;
  messagesById: Get1<M.MessagePage, HistoryQuery>;

  addReaction: Send3<M.ReactionChange>; removeReaction: Send3<M.ReactionChange>;
  listPins: Get1<M.Pin[]>; pinMessage: Send2<M.Pin>; unpinMessage: Send2<unknown>;
  threadMessages: Get2<M.ThreadPage, HistoryQuery>; readThread: Send2<unknown, { threadSeq?: number; messageId?: Id }>;
  listThreads: Get<{ threads: M.ThreadListItem[]; totalUnread: number } & Record<string, unknown>, PageQuery>;
  searchMessages: Get<M.SearchPage, SearchQuery>;

  sendNotification: Send<M.Notification, { userId: Id; type?: string; message: string; data?: unknown }>;
  listNotifications: Get<M.NotificationList, PageQuery & { unread?: boolean }>; readAllNotifications: Send<unknown>;
  readNotification: Send1<M.Notification>; setStatus: Send<M.Status, { status: string }>; getStatus: Get1<M.Status>;
  sync: Get<M.SyncPage, { since: number; limit?: number }>; listAgents: Get<M.User[]>; listAgentsAlias: Get<M.User[]>;

  listBans: Get1<M.Ban[]>; banMember: Send2<M.Ban, UntilBody>; unbanMember: Send2<unknown>; timeoutMember: Send2<unknown, UntilBody>;
  createReport: Send<M.Report, ReportBody>; listReports: Get<M.Report[], PageQuery>;

  adminUsers: Get<M.AdminUser[], PageQuery & { search?: string }>; suspendUser: Send1<M.AdminUser, UntilBody>; liftSuspension: Send1<M.AdminUser>;
  adminDeleteMessage: Send1<M.Deleted, undefined, { reason?: string }>; adminDeleteConversation: Send1<M.Deleted, undefined, { reason?: string }>;
  auditLog: Get<unknown[], { before?: string; limit?: number }>; adminReports: Get<M.Report[], PageQuery & { status?: string }>;
  decideReport: Send1<M.Report, ReportDecision>;
  createApiKey: Send<M.ApiKey, { name: string; scopes?: string[] }>; listApiKeys: Get<M.ApiKey[]>; revokeApiKey: Send1<unknown>;
  createWebhook: Send<M.Webhook, WebhookBody>; listWebhooks: Get<M.Webhook[]>; getWebhook: Get1<M.Webhook>;
  updateWebhook: Send1<M.Webhook, Partial<WebhookBody> & { enabled?: boolean }>; deleteWebhook: Send1<unknown>;
  webhookDeliveries: Get1<M.WebhookDelivery[], PageQuery>; redeliver: Send2<M.WebhookDelivery>;

  appCreateUser: Send<M.User, RegisterBody | Omit<RegisterBody, 'password'>>; appUpdateUser: Send1<M.User, UpdateUserBody>;
  appCreateBot: Send<M.User, { username: string; displayName: string; profilePicture?: string }>; appListBots: Get<M.User[]>;
  appCreateToken: Send<{ token: string; expiresAt: M.Time }, { userId: Id; lifetime?: number }>;
  appCreateConversation: Send<M.Conversation, { ownerId: Id; type: M.ConversationType; name?: string; memberIds: Id[] }>;
  appAddMembers: Send1<M.Conversation, { userIds: Id[] }>; appRemoveMember: Send2<unknown>;

  uploadForm: Send<M.Attachment, FormData>;
  downloadFile: Raw1; fileHead: Raw1; downloadThumbnail: Raw1; thumbnailHead: Raw1;
  startFileSession: Send<M.FileSession>; endFileSession: Send<unknown>;
  pushKey: Get<{ publicKey: string }>; listPushSubscriptions: Get<M.PushSubscriptionView[]>;
  pushSubscribe: Send<M.PushSubscriptionView, PushSubscriptionBody>; pushUnsubscribe: Send<unknown, PushSubscriptionBody | undefined, { endpoint?: string }>;
  health: (query?: undefined, options?: CallOptions) => Promise<Response>; metrics: (query?: undefined, options?: CallOptions) => Promise<Response>;
  asyncApi: (query?: undefined, options?: CallOptions) => Promise<Response>;
}

// Only what is exported above is public.
export {};
