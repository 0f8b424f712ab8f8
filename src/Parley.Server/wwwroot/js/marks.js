// Reactions, pins and "mark unread": their state, the events that change it and the user's actions on them.
import { endpoints } from './api.js';
import { state, emit, on, memberOf } from './store.js';

const pinsById = new Map();      // conversation id → {list, loading} (newest pin first)
const held = new Set();          // conversations marked unread: not marked read again until I leave them

/** Set up once per signed-in shell (the store drops listeners at sign-out). */
export function initMarks() {
  pinsById.clear();
  held.clear();
  on('navigate-done', id => { for (const cid of [...held]) if (cid !== id) held.delete(cid); });
}

/** Whether the open conversation stays unread (markRead leaves it alone). */
export function unreadHeld(id) { return held.has(id); }

function setMessage(cid, messageId, change) {
  const t = state.threads.get(cid);
  const old = t?.byId.get(messageId);
  if (!old) return;
  t.byId.set(messageId, { ...old, ...change(old) });
  t.sorted = null;
  emit('thread', cid);
}

/** A reaction event: the emoji's count as the server counted it; "me" and the first users from who reacted. */
function applyReaction(data, added) {
  setMessage(data.conversationId, data.messageId, old => {
    const list = (old.reactions ?? []).map(r => ({ ...r, userIds: [...(r.userIds ?? [])] }));
    let r = list.find(x => x.emoji === data.emoji);
    if (!r) list.push(r = { emoji: data.emoji, count: 0, me: false, userIds: [] });
    r.count = data.count;
    if (data.userId === state.me.id) r.me = added;
    r.userIds = added ? [...new Set([...r.userIds, data.userId])].slice(0, 5) : r.userIds.filter(u => u !== data.userId);
    return { reactions: list.filter(x => x.count > 0) };
  });
}

/** Gateway events of this feature; returns true when handled. */
export function applyMarkEvent(type, data) {
  switch (type) {
    case 'reaction:added': applyReaction(data, true); return true;
    case 'reaction:removed': applyReaction(data, false); return true;
    case 'message:pinned':
    case 'message:unpinned': {
      const entry = pinsById.get(data.conversationId);
      if (entry?.list) {
        entry.list = entry.list.filter(p => p.messageId !== data.messageId);
        if (type === 'message:pinned') entry.list.unshift(data);
      }
      emit('pins', data.conversationId);
      emit('thread', data.conversationId);
      return true;
    }
    case 'conversation:unread': markedUnread(data); return true;
    default: return false;
  }
}

/** An edit event carries the neutral view of reactions; keep my own "me" flags. */
export function keepMine(type, data) {
  if (type !== 'message:updated' || !data.message?.reactions) return;
  const old = state.threads.get(data.conversationId)?.byId.get(data.message.id);
  const mine = new Set((old?.reactions ?? []).filter(r => r.me).map(r => r.emoji));
  data.message.reactions = data.message.reactions.map(r => ({ ...r, me: r.me || mine.has(r.emoji) || (r.userIds ?? []).includes(state.me.id) }));
}

function markedUnread(r) {
  const c = state.conversations.get(r.conversationId);
  if (!c) return;
  const me = memberOf(c, state.me.id);
  if (me) me.lastReadSeq = r.lastReadSeq;
  c.readSeqSent = r.lastReadSeq;
  c.unreadCount = r.unreadCount;
  if (state.openId === r.conversationId) held.add(r.conversationId);
  emit('conversations');
  emit('thread', r.conversationId);
}

export async function toggleReaction(cid, m, emoji) {
  const mine = (m.reactions ?? []).some(r => r.emoji === emoji && r.me);
  const r = await (mine ? endpoints.unreact(cid, m.id, emoji) : endpoints.react(cid, m.id, emoji));
  setMessage(cid, m.id, () => ({ reactions: r.reactions }));
}

export async function markUnread(cid, m) {
  held.add(cid);
  const r = await endpoints.markUnread(cid, m.id);
  markedUnread({ ...r, conversationId: cid });
}

/** The pins of a conversation (loaded on first ask; "pins" is emitted when they arrive). */
export function pinsOf(cid) {
  let entry = pinsById.get(cid);
  if (!entry) {
    pinsById.set(cid, entry = { list: null });
    endpoints.pins(cid).then(list => { entry.list = list; }, () => { entry.failed = true; })
      .finally(() => { emit('pins', cid); emit('thread', cid); });
  }
  return entry.list;
}

export function isPinned(cid, messageId) { return (pinsById.get(cid)?.list ?? []).some(p => p.messageId === messageId); }

export function canPin(c) {
  if (!c) return false;
  const role = c.myRole ?? memberOf(c, state.me.id)?.role;
  return !(c.type === 'group' || c.type === 'channel') || role === 'OWNER' || role === 'ADMIN';
}

export async function togglePin(cid, m) {
  const pinned = isPinned(cid, m.id);
  const r = await (pinned ? endpoints.unpin(cid, m.id) : endpoints.pin(cid, m.id));
  // The event says the same; applying both changes nothing more.
  applyMarkEvent(pinned ? 'message:unpinned' : 'message:pinned', { ...r, message: m });
}
