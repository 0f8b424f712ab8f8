// What the server answers, as the `data` of its envelope (Parley's own profile). Times are ISO 8601 strings.

export type Id = string;
export type Time = string;

export interface User {
  id: Id; username: string; email: string | null; name: string; profilePicture: string | null; status: string;
  lastSeenAt: Time | null; createdAt: Time; isAgent: boolean; deleted: boolean; isAdmin: boolean; isBot: boolean;
}
export interface AuthResult { token: string; tokenType: string; expiresAt: Time; user: User }

export type ConversationType = 'direct' | 'group' | 'channel' | 'ai';
export type Role = 'owner' | 'admin' | 'member';
export interface Member {
  id: Id; userId: Id; username: string; name: string; email: string | null; profilePicture: string | null; status: string;
  isAgent: boolean; role: Role; joinedAt: Time; lastReadSeq: number; lastReadAt: Time | null;
}
export interface LastMessage {
  id: Id; seq: number; senderId: Id; type: string; content: string | null; message: string | null; createdAt: Time; timestamp: Time; deleted: boolean;
}
export interface Conversation {
  id: Id; type: ConversationType; name: string | null; description: string | null; picture: string | null; createdBy: Id; status: string;
  createdAt: Time; updatedAt: Time; lastSeq: number; lastMessageAt: Time | null; lastMessage: LastMessage | null; myRole: Role | null;
  unreadCount: number; memberCount: number; members: Member[]; slowModeSeconds: number; muted: boolean; mutedUntil: Time | null;
  isGroup: boolean; isAi: boolean;
}

export interface Sender { id: Id; username: string; name: string; profilePicture: string | null; email: null }
export interface Reaction { emoji: string; count: number; me?: boolean; userIds: Id[] }
export interface Attachment { id: Id; url: string; name: string; contentType: string; size: number; width?: number; height?: number; thumbnailUrl?: string }
export interface ThreadSummary { replyCount: number; lastReplyAt: Time | null; participantIds: Id[] }
export interface LinkPreview { url: string; title?: string; description?: string; imageUrl?: string; siteName?: string }
export interface SeenBy { userId: Id; timestamp: Time | null; lastReadAt: Time | null }
export type MessageType = 'text' | 'image' | 'file' | 'audio' | 'video' | 'system' | string;
export interface Message {
  id: Id; conversationId: Id; seq: number; senderId: Id; sender: Sender; receiverId?: Id; type: MessageType; content: string | null;
  message: string | null; messageType: MessageType; timestamp: Time; fileUrl: string | null; payload: unknown; clientMessageId: string | null;
  replyToId: Id | null; createdAt: Time; editedAt: Time | null; edited: boolean; deleted: boolean; deletedAt: Time | null; deletedBy: Id | null;
  read: boolean; status: string; seenBy?: SeenBy[]; threadId?: Id; threadSeq?: number; alsoInConversation?: boolean; thread?: ThreadSummary;
  reactions: Reaction[]; attachments?: Attachment[]; preview?: LinkPreview;
}
export interface MessagePagination { currentPage: number; totalPages: number; totalMessages: number; hasNextPage: boolean; hasPrevPage: boolean; limit: number }
export interface MessagePage { messages: Message[]; pagination: MessagePagination | null; hasMore: boolean; oldestSeq: number | null; newestSeq: number | null }
export interface ThreadPage extends MessagePage { root: Message }
export interface ThreadListItem { conversationId: Id; rootId: Id; root: Message; thread: ThreadSummary; lastReadSeq: number; unreadCount: number }
export interface DeletedMessage { id: Id; conversationId: Id; seq: number; deleted: boolean; deletedBy: Id | null; deletedAt: Time | null }
export interface ReadState {
  conversationId: Id; userId: Id; messageId: Id | null; lastReadSeq: number; lastReadAt: Time | null; moved: boolean; modifiedCount: number; unreadCount: number;
}
export interface MessageRead { id: Id; conversationId: Id; seq: number; read: boolean; seenBy: SeenBy[]; lastReadSeq: number; lastReadAt: Time | null; modifiedCount: number }
export interface UnreadSummary { unreadCount: number; conversations?: { conversationId: Id; unreadCount: number }[] }
export interface ReactionChange { conversationId: Id; messageId: Id; emoji: string; userId: Id; count: number; changed: boolean; reactions: Reaction[] }
export interface Pin { conversationId: Id; messageId: Id; pinnedBy: Id; pinnedAt: Time; message: Message }
export interface SearchHit { message: Message; conversation: { id: Id; type: ConversationType; name: string | null; picture: string | null }; snippet: string }
export interface SearchPage { hits: SearchHit[]; hasMore: boolean; nextCursor: string | null }

export interface Notification {
  id: Id; userId: Id; type: string; message: string; data: unknown; conversationId: Id | null; createdAt: Time; readAt: Time | null; read: boolean; senderId?: Id | null;
}
export interface Pagination { currentPage: number; totalPages: number; totalItems: number; hasNextPage: boolean; hasPrevPage: boolean; limit: number }
export interface NotificationList { notifications: Notification[]; unreadCount: number; pagination: Pagination }
export interface Status { userId: Id; status: string; lastSeenAt: Time | null; online: boolean }
export interface ConnectInfo { conversationId: Id; url: string; connected: boolean; status: string }
export interface SyncEvent { type: string; cursor: number; data: unknown }
export interface SyncPage { events: SyncEvent[]; cursor: number; hasMore: boolean; gap: boolean; message: string | null }
export interface Mute { conversationId: Id; muted: boolean; mutedUntil: Time | null }
export interface BlockedUser { id: Id; username: string; name: string; profilePicture: string | null; blockedAt: Time }
export interface Ban { userId: Id; username: string | null; bannedBy: Id; reason: string | null; until: Time | null; createdAt: Time }
export interface Report {
  id: Id; messageId: Id | null; userId: Id; username: string | null; reason: string; details: string | null; status: 'open' | 'resolved' | 'dismissed';
  action: string | null; createdAt: Time; updatedAt: Time; reporterId?: Id | null; reporterUsername?: string | null; conversationId?: Id | null;
  messageContent?: string | null; handledBy?: Id | null;
}
export interface AdminUser {
  id: Id; username: string; email: string | null; name: string; isAdmin: boolean; isAgent: boolean; suspended: boolean;
  suspendedUntil: Time | null; suspensionReason: string | null; createdAt: Time;
}
export interface ApiKey { id: Id; name: string; prefix: string; scopes: string[]; createdBy: Id; createdAt: Time; revokedAt: Time | null; secret?: string }
export interface Webhook {
  id: Id; url: string; events: string[]; conversationIds: Id[] | null; enabled: boolean; consecutiveFailures: number; disabledAt: Time | null;
  cursor: number; createdBy: Id; createdAt: Time; secret?: string | null;
}
export interface WebhookDelivery {
  id: Id; webhookId: Id; eventCursor: number; eventType: string; status: 'pending' | 'succeeded' | 'failed'; attempts: number;
  responseCode: number | null; error: string | null; createdAt: Time; lastAttemptAt: Time | null; nextAttemptAt: Time | null;
}
export interface PushSubscriptionView { id: Id; endpoint: string; createdAt: Time }
export interface FileSession { expiresAt: Time }
export interface Deleted { id: Id; deleted: boolean }
