// Threads in the client: the replies of the roots whose pane has been opened, kept in step with the gateway.
// A thread-only reply never enters the conversation's timeline (store.js); its root's summary is patched here.
import { state, emit } from './store.js';
import { Thread, normalizeMessage } from './thread.js';
import { endpoints, ApiError } from './api.js';
import { newId } from './dom.js';

export const replies = new Map();   // rootId → Thread ordered by threadSeq, with .root and .conversationId

export function repliesOf(conversationId, rootId) {
  if (!replies.has(rootId)) replies.set(rootId, Object.assign(new Thread(rootId, 'threadSeq'), { conversationId, root: null }));
  return replies.get(rootId);
}

export function applyThreadEvent(type, data) {
  const m = data.message ? normalizeMessage(data.message) : null;
  switch (type) {
    case 'message:new':
    case 'message:updated':
      if (m?.threadId && replies.has(m.threadId)) { replies.get(m.threadId).upsert(m); emit('replies', m.threadId); }
      if (m && replies.get(m.id)?.root) { replies.get(m.id).root = { ...replies.get(m.id).root, ...m }; emit('replies', m.id); }
      break;
    case 'message:deleted':
      for (const [rootId, t] of replies) if (t.byId.has(data.messageId)) { t.markDeleted(data.messageId, data.deletedBy, data.deletedAt); emit('replies', rootId); }
      break;
    case 'thread:updated': {
      const timeline = state.threads.get(data.conversationId);
      const root = timeline?.byId.get(data.rootId);
      if (root) { timeline.byId.set(root.id, { ...root, thread: data.thread }); timeline.sorted = null; emit('thread', data.conversationId); }
      const t = replies.get(data.rootId);
      if (t?.root) { t.root = { ...t.root, thread: data.thread }; emit('replies', data.rootId); }
      break;
    }
    default:
      break;
  }
}

/** The root and its replies (the newest 100, then older on demand). */
export async function loadReplies(conversationId, rootId, older = false) {
  const t = repliesOf(conversationId, rootId);
  const first = t.messages[0];
  const page = await endpoints.threadMessages(conversationId, rootId, older && first ? { before: first.threadSeq } : {});
  t.root = normalizeMessage(page.root);
  for (const m of page.messages ?? []) t.upsert(m);
  t.hasMore = Boolean(page.hasMore);
  t.loaded = true;
  emit('replies', rootId);
  endpoints.threadRead(conversationId, rootId).catch(() => {});
}

export async function sendReply(conversationId, rootId, content, alsoInConversation) {
  const t = repliesOf(conversationId, rootId);
  const clientMessageId = newId();
  t.pending.set(clientMessageId, { clientMessageId, content, type: 'text', failed: false, createdAt: new Date().toISOString() });
  emit('replies', rootId);
  try {
    const m = await endpoints.send(conversationId, { content, type: 'text', clientMessageId, threadId: rootId, alsoInConversation });
    t.upsert(m);
    if (m.seq && state.threads.has(conversationId)) { state.threads.get(conversationId).upsert(m); emit('thread', conversationId); }
  } catch (e) {
    const p = t.pending.get(clientMessageId);
    if (p) { p.failed = true; p.error = e instanceof ApiError ? e.describe() : 'Not sent'; }
  }
  emit('replies', rootId);
  endpoints.threadRead(conversationId, rootId).catch(() => {});
}
