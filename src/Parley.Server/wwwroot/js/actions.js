// What the user can do, and the loading that keeps state in step with the server.
import { endpoints, ApiError } from './api.js';
import { state, emit, thread, setConversation, removeConversation, setNotifications, memberOf } from './store.js';
import { newId } from './dom.js';
import { unreadHeld } from './marks.js';

let gateway = null;
export function useGateway(g) { gateway = g; }

export async function loadConversations() {
  const list = await endpoints.conversations();
  const ids = new Set(list.map(c => c.id));
  for (const id of [...state.conversations.keys()]) if (!ids.has(id)) removeConversation(id);
  for (const c of list) setConversation(c);
  emit('conversations');
}

const refreshing = new Map();

/** Re-reads one conversation (my view of it: role, unread, every member); gone or not mine any more removes it. */
export function refreshConversation(id) {
  if (!id) return Promise.resolve();
  if (refreshing.has(id)) return refreshing.get(id);
  const run = endpoints.conversation(id)
    .then(setConversation)
    .catch(e => { if (e instanceof ApiError && (e.status === 404 || e.status === 403)) removeConversation(id); })
    .finally(() => refreshing.delete(id));
  refreshing.set(id, run);
  return run;
}

export async function loadNotifications() {
  try {
    setNotifications(await endpoints.notifications());
  } catch (e) {
    state.notifications.failed = true;
    emit('notifications');
    throw e;
  }
}

/** The newest page of a conversation's history. */
export async function loadLatest(id) {
  const t = thread(id);
  const page = await endpoints.messages(id, { limit: 30 });
  for (const m of page.messages ?? []) t.upsert(m);
  if (!t.loaded) t.hasMore = hasMore(page, 30);
  t.loaded = true;
  emit('thread', id);
}

/** Older history, before the oldest message we hold (cursor paging: cheap at any depth). */
export async function loadOlder(id) {
  const t = thread(id);
  if (!t.hasMore || t.loadingOlder) return 0;
  t.loadingOlder = true;
  try {
    const before = t.oldestSeq;
    if (before === null || before <= 1) { t.hasMore = false; return 0; }
    const page = await endpoints.messages(id, { before, limit: 30 });
    const list = page.messages ?? [];
    for (const m of list) t.upsert(m);
    t.hasMore = hasMore(page, 30) && (t.oldestSeq ?? 1) > 1;
    emit('thread', id);
    return list.length;
  } finally {
    t.loadingOlder = false;
  }
}

function hasMore(page, limit) {
  if (typeof page.hasMore === 'boolean') return page.hasMore;
  if (page.pagination) return Boolean(page.pagination.hasNextPage);
  return (page.messages?.length ?? 0) >= limit;
}

/** Everything after the newest message we hold, page by page (used after a reconnect). */
export async function loadNewer(id) {
  const t = thread(id);
  if (!t.loaded) return loadLatest(id);
  for (let round = 0; round < 20; round++) {
    const page = await endpoints.messages(id, { after: t.newestSeq, limit: 100 });
    const list = page.messages ?? [];
    for (const m of list) t.upsert(m);
    emit('thread', id);
    if (list.length < 100 && page.hasMore !== true) return;
  }
}

/**
 * After the gateway comes back: the replay (resume) covers events; REST re-reads the list and the open
 * conversation too, so even a server that lost our cursor leaves nothing missing. Ids make it idempotent.
 * `resumed` false (no cursor, or the missed events expired): other loaded histories are dropped and reloaded on open.
 */
export async function catchUp(resumed = true) {
  const open = state.openId;
  // Sends that failed only because we were offline go again (same clientMessageId: never doubled).
  for (const t of state.threads.values())
    for (const p of [...t.pending.values()]) if (p.failed && p.network) retry(t.id, p.clientMessageId);
  if (!resumed) for (const [id, t] of [...state.threads]) if (id !== open && t.pending.size === 0) state.threads.delete(id);
  await Promise.allSettled([
    loadConversations(),
    loadNotifications(),
    open ? loadNewer(open).then(() => refreshConversation(open)) : Promise.resolve(),
  ]);
}

export async function send(id, content, extra = {}) {
  const t = thread(id);
  const clientMessageId = extra.clientMessageId ?? newId();
  const body = { content, type: extra.type ?? 'text', clientMessageId, ...extra };
  t.pending.set(clientMessageId, { clientMessageId, body, content, type: body.type, fileUrl: body.fileUrl, failed: false, createdAt: new Date().toISOString() });
  emit('thread', id);
  stopTyping(id);
  try {
    const m = await endpoints.send(id, body);
    t.upsert(m);
    const c = state.conversations.get(id);
    if (c && m.seq > (c.lastSeq ?? 0)) Object.assign(c, { lastSeq: m.seq, lastMessage: m, lastMessageAt: m.createdAt });
    markMineRead(id, m.seq);
    emit('conversations');
  } catch (e) {
    const p = t.pending.get(clientMessageId);
    if (p) {
      p.failed = true;
      p.error = e instanceof ApiError ? e.describe() : 'Not sent';
      p.network = e instanceof ApiError && e.status === 0;
    }
  }
  emit('thread', id);
}

/** Retries a failed send with the same clientMessageId: the server returns the original if it did arrive. */
export function retry(id, clientMessageId) {
  const p = thread(id).pending.get(clientMessageId);
  if (!p) return;
  return send(id, p.content, { ...p.body, clientMessageId });
}

export function discard(id, clientMessageId) {
  thread(id).pending.delete(clientMessageId);
  emit('thread', id);
}

export async function edit(id, messageId, content) {
  const m = await endpoints.edit(id, messageId, content);
  thread(id).upsert(m);
  emit('thread', id);
}

export async function remove(id, messageId) {
  const r = await endpoints.remove(id, messageId);
  thread(id).markDeleted(messageId, r?.deletedBy, r?.deletedAt);
  emit('thread', id);
}

function markMineRead(id, seq) {
  const me = memberOf(state.conversations.get(id), state.me.id);
  if (me && seq > (me.lastReadSeq ?? 0)) me.lastReadSeq = seq;
}

/** Moves my read marker to the newest message of the open conversation (when someone else's is unread). */
export async function markRead(id) {
  const c = state.conversations.get(id);
  const t = state.threads.get(id);
  if (!c || !t?.loaded || document.visibilityState !== 'visible' || unreadHeld(id)) return;
  const newest = t.messages[t.messages.length - 1];
  if (!newest) return;
  const me = memberOf(c, state.me.id);
  const readSeq = Math.max(me?.lastReadSeq ?? 0, c.readSeqSent ?? 0);
  if (newest.seq <= readSeq) { if (c.unreadCount) { c.unreadCount = 0; emit('conversations'); } return; }
  c.readSeqSent = newest.seq;
  c.unreadCount = 0;
  emit('conversations');
  try {
    await endpoints.markRead(id, newest.id);
    markMineRead(id, newest.seq);
  } catch {
    c.readSeqSent = readSeq;
  }
}

const typingSent = new Map();

/** Tells the others I am typing: at most every 3 s while keys are pressed, and a stop after 4 s of quiet. */
export function typing(id) {
  const now = Date.now();
  const entry = typingSent.get(id) ?? { at: 0, timer: null };
  if (now - entry.at > 3000) {
    gateway?.send('typing:start', { conversationId: id });
    entry.at = now;
  }
  clearTimeout(entry.timer);
  entry.timer = setTimeout(() => stopTyping(id), 4000);
  typingSent.set(id, entry);
}

export function stopTyping(id) {
  const entry = typingSent.get(id);
  if (!entry) return;
  clearTimeout(entry.timer);
  typingSent.delete(id);
  gateway?.send('typing:stop', { conversationId: id });
}

export async function markNotificationRead(n) {
  if (n.read) return;
  const updated = await endpoints.readNotification(n.id);
  Object.assign(n, updated ?? { read: true });
  state.notifications.unread = Math.max(0, state.notifications.unread - 1);
  emit('notifications');
}

export async function markAllNotificationsRead() {
  await endpoints.readAllNotifications();
  for (const n of state.notifications.items) n.read = true;
  state.notifications.unread = 0;
  emit('notifications');
}
