// Client state and how gateway events change it. Views subscribe to topics and re-render their part.
//
// Messages are keyed by id (and pending sends by clientMessageId), so applying the same message twice
// (REST page + live event, or a replay after resume) changes nothing: no duplicates on screen.

import { Thread, normalizeMessage } from './thread.js';

const listeners = new Map();

export function on(topic, fn) {
  if (!listeners.has(topic)) listeners.set(topic, new Set());
  listeners.get(topic).add(fn);
  return () => listeners.get(topic).delete(fn);
}

export function emit(topic, detail) {
  for (const fn of listeners.get(topic) ?? []) fn(detail);
}

export const state = {
  me: null,
  openId: null,
  connection: 'offline',
  everOnline: false,   // the gateway has been open once (so "offline" now means the connection was lost)
  stale: false,        // the first REST snapshot failed: re-read everything once the gateway is up
  conversations: new Map(),
  threads: new Map(),
  typing: new Map(),
  presence: new Map(),
  notifications: { items: [], unread: 0, loaded: false },
};

/** Forgets everything of the signed-in user, listeners included (the next shell subscribes afresh). */
export function reset() {
  listeners.clear();
  state.me = null;
  state.openId = null;
  state.connection = 'offline';
  state.everOnline = false;
  state.stale = false;
  state.conversations.clear();
  state.threads.clear();
  state.typing.clear();
  state.presence.clear();
  state.notifications = { items: [], unread: 0, loaded: false };
}

export function thread(id) {
  if (!state.threads.has(id)) state.threads.set(id, new Thread(id));
  return state.threads.get(id);
}

export function memberOf(conversation, userId) {
  return conversation?.members?.find(m => (m.userId ?? m.id) === userId) ?? null;
}

/** Direct chats are named after the other person; groups and channels by their name. */
export function titleOf(c) {
  if (!c) return '';
  if (c.name) return c.name;
  const others = (c.members ?? []).filter(m => (m.userId ?? m.id) !== state.me?.id);
  if (others.length) return others.map(m => m.name || m.username).join(', ');
  return c.type === 'direct' ? 'Just you' : 'Conversation';
}

export function otherMember(c) {
  if (c?.type !== 'direct') return null;
  return (c.members ?? []).find(m => (m.userId ?? m.id) !== state.me?.id) ?? null;
}

export function statusOf(user) {
  const id = user?.userId ?? user?.id;
  return state.presence.get(id) ?? user?.status ?? 'offline';
}

export function sortedConversations() {
  const at = c => new Date(c.lastMessageAt ?? c.updatedAt ?? c.createdAt ?? 0).getTime();
  return [...state.conversations.values()].sort((a, b) => at(b) - at(a));
}

export function setConversation(c) {
  const old = state.conversations.get(c.id);
  // A list row carries at most 20 members; keep the full list from details when we have it.
  const members = old && (c.members?.length ?? 0) < (old.members?.length ?? 0) && c.memberCount === old.memberCount ? old.members : c.members;
  state.conversations.set(c.id, { ...old, ...c, members });
  for (const m of c.members ?? []) if (m.status) state.presence.set(m.userId ?? m.id, m.status);
  emit('conversations');
  emit('conversation', c.id);
}

export function removeConversation(id) {
  if (!state.conversations.delete(id)) return;
  state.threads.delete(id);
  state.typing.delete(id);
  emit('conversations');
  emit('conversation', id);
}

export function setNotifications(list) {
  state.notifications = { items: list.notifications ?? [], unread: list.unreadCount ?? 0, loaded: true };
  emit('notifications');
}

/** Applies one gateway event. `refresh(conversationId)` re-reads a conversation over REST when an event only hints at a change. */
export function applyEvent(type, data, refresh) {
  const cid = data.conversationId ?? data.conversation_id ?? data.message?.conversationId;
  const c = cid ? state.conversations.get(cid) : null;
  switch (type) {
    case 'message:new': {
      const m = normalizeMessage(data.message ?? data);
      if (m.threadId && !m.seq) break;  // a thread-only reply: not in the timeline (replies.js shows it)
      if (state.threads.has(cid)) thread(cid).upsert(m);
      if (!c) { refresh(cid); break; }
      if (m.seq > (c.lastSeq ?? 0)) {
        c.lastSeq = m.seq;
        c.lastMessage = m;
        c.lastMessageAt = m.createdAt;
        // Counted as the server counts: every message after my marker that someone else sent.
        if (m.senderId !== state.me.id) c.unreadCount = (c.unreadCount ?? 0) + 1;
      }
      clearTyping(cid, m.senderId);
      emit('conversations');
      emit('thread', cid);
      break;
    }
    case 'message:updated': {
      const m = normalizeMessage(data.message ?? data);
      if (state.threads.has(cid)) thread(cid).upsert(m);
      if (c?.lastMessage?.id === m.id) c.lastMessage = m;
      emit('conversations');
      emit('thread', cid);
      break;
    }
    case 'message:deleted': {
      const id = data.messageId ?? data.id ?? data.message?.id;
      if (state.threads.has(cid)) thread(cid).markDeleted(id, data.deletedBy, data.deletedAt);
      if (c?.lastMessage?.id === id) c.lastMessage = { ...c.lastMessage, deleted: true, content: null };
      emit('conversations');
      emit('thread', cid);
      break;
    }
    case 'message:read': {
      const member = memberOf(c, data.userId);
      if (member && (data.lastReadSeq ?? 0) > (member.lastReadSeq ?? 0)) {
        member.lastReadSeq = data.lastReadSeq;
        member.lastReadAt = data.lastReadAt;
      }
      if (c && data.userId === state.me.id && (data.lastReadSeq ?? 0) >= (c.lastSeq ?? 0)) c.unreadCount = 0;
      emit('conversations');
      emit('thread', cid);
      break;
    }
    case 'typing':
      if (data.userId !== state.me.id) setTyping(cid, data.userId, data.isTyping !== false);
      break;
    case 'presence':
      state.presence.set(data.userId, data.status);
      emit('presence', data.userId);
      emit('conversations');
      break;
    case 'notification:new': {
      const n = data.notification ?? data;
      if (!state.notifications.items.some(x => x.id === n.id)) {
        state.notifications.items.unshift(n);
        if (!n.read) state.notifications.unread++;
        emit('notifications');
      }
      break;
    }
    case 'member:removed':
      if (data.userId === state.me.id) removeConversation(cid);
      else refresh(cid);
      break;
    case 'conversation:deleted':
      removeConversation(cid);
      break;
    case 'conversation:new':
    case 'conversation:updated':
    case 'member:added':
    case 'member:role':
      refresh(cid);
      break;
    default:
      break;
  }
}

const TYPING_TTL_MS = 6000;

function setTyping(cid, userId, isTyping) {
  if (!cid || !userId) return;
  if (!state.typing.has(cid)) state.typing.set(cid, new Map());
  const map = state.typing.get(cid);
  if (isTyping) {
    clearTimeout(map.get(userId));
    map.set(userId, setTimeout(() => clearTyping(cid, userId), TYPING_TTL_MS));
  } else clearTyping(cid, userId, true);
  emit('typing', cid);
}

function clearTyping(cid, userId, quiet = false) {
  const map = state.typing.get(cid);
  if (!map?.has(userId)) return;
  clearTimeout(map.get(userId));
  map.delete(userId);
  if (!quiet) emit('typing', cid);
}

/** Names of the people typing in a conversation right now. */
export function typingNames(cid) {
  const c = state.conversations.get(cid);
  return [...(state.typing.get(cid)?.keys() ?? [])].map(id => {
    const m = memberOf(c, id);
    return m?.name || m?.username || 'Someone';
  });
}
