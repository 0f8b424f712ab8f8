// The gateway's events (server → client) and requests (client → server, answered by an ack), by name.
import type * as M from './models.js';
import type { CreateConversationBody, SendMessageBody, HistoryQuery } from './api.js';

type Id = M.Id;
type InConversation = { conversationId: Id };

export interface GatewayEvents {
  ready: { userId: Id; connectionId: string; cursor: number; heartbeatSeconds: number };
  error: { code: string; message: string; status: number; details?: unknown };
  'message:new': InConversation & { message: M.Message };
  'message:updated': InConversation & { message: M.Message };
  'message:deleted': InConversation & { messageId: Id; id: Id; seq: number; deletedBy: Id | null; deletedAt: M.Time | null };
  'message:read': InConversation & { userId: Id; lastReadSeq: number; lastReadAt: M.Time | null; messageId: Id | null };
  'message:delta': InConversation & { messageId: Id; seq: number; offset: number; text: string };
  'message:pinned': InConversation & { messageId: Id; pinnedBy: Id; pinnedAt: M.Time; message: M.Message };
  'message:unpinned': InConversation & { messageId: Id; unpinnedBy: Id | null };
  'reaction:added': InConversation & { messageId: Id; emoji: string; userId: Id; count: number };
  'reaction:removed': InConversation & { messageId: Id; emoji: string; userId: Id; count: number };
  'thread:updated': InConversation & { rootId: Id; thread: M.ThreadSummary };
  'conversation:new': InConversation & { conversation: M.Conversation };
  'conversation:updated': InConversation & { conversation: M.Conversation; updatedBy: Id };
  'conversation:deleted': InConversation & { deletedBy?: Id };
  'conversation:unread': InConversation & { userId: Id; messageId: Id; lastReadSeq: number; lastReadAt: M.Time | null; unreadCount: number };
  'conversation:muted': InConversation & { muted: boolean; mutedUntil: M.Time | null };
  'member:added': InConversation & { userId: Id; member: M.Member; addedBy: Id };
  'member:removed': InConversation & { userId: Id; removedBy: Id; reason: string };
  'member:role': InConversation & { userId: Id; role: M.Role; changedBy: Id };
  'member:banned': InConversation & { userId: Id } & Record<string, unknown>;
  'member:unbanned': InConversation & { userId: Id } & Record<string, unknown>;
  'member:timeout': InConversation & { userId: Id } & Record<string, unknown>;
  'notification:new': { conversationId: Id | null; notification: M.Notification };
  typing: InConversation & { userId: Id; isTyping: boolean };
  presence: { conversationId: Id | null; userId: Id; status: string; lastSeenAt: M.Time | null };
  'user:blocked': { userId: Id };
  'user:unblocked': { userId: Id };
  'report:updated': { reportId: Id; status: string };
  'admin:user_suspended': Record<string, unknown>;
  'admin:user_unsuspended': Record<string, unknown>;
  'webhook:disabled': { webhookId: Id; url: string; failures: number };
}

export interface ResumeAck { count: number; cursor: number; hasMore: boolean; gap: boolean }

/** [request data, ack data] of every gateway request. */
export interface GatewayRequests {
  ping: [Record<string, never> | undefined, unknown];
  resume: [{ since: number; limit?: number }, ResumeAck];
  'typing:start': [InConversation, unknown];
  'typing:stop': [InConversation, unknown];
  'presence:set': [{ status: string }, unknown];
  'conversation:create': [CreateConversationBody, M.Conversation];
  'message:send': [SendMessageBody & InConversation, M.Message];
  'message:edit': [{ messageId: Id; content: string; conversationId?: Id }, M.Message];
  'message:delete': [{ messageId: Id; conversationId?: Id }, M.DeletedMessage];
  'message:read': [InConversation & { lastMessageId?: Id; messageId?: Id; seq?: number }, M.ReadState];
  'messages:get': [InConversation & HistoryQuery, M.MessagePage];
  'message:stop': [{ messageId: Id }, unknown];
  'reaction:add': [{ messageId: Id; emoji: string; conversationId?: Id }, M.ReactionChange];
  'reaction:remove': [{ messageId: Id; emoji: string; conversationId?: Id }, M.ReactionChange];
  auth: [{ token: string }, unknown];
}

// Only what is exported above is public.
export {};
