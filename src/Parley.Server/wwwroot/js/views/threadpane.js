// The thread pane beside the conversation: the root, its replies (live), and a composer that can also post to the conversation.
import { h, fill } from '../dom.js';
import { state, on } from '../store.js';
import { repliesOf, loadReplies, sendReply } from '../replies.js';
import { messageItem, pendingItem, messageBody } from './message.js';

export function createThreadPane({ toast }) {
  let conversationId = null;
  let rootId = null;
  const rootBox = h('div', { class: 'thread-root', id: 'thread-root' });
  const older = h('button', { type: 'button', class: 'link', id: 'thread-older', hidden: true,
    onclick: () => loadReplies(conversationId, rootId, true).catch(() => toast('Could not load older replies')) }, 'Older replies');
  const list = h('ol', { class: 'message-list thread-replies', id: 'thread-replies', 'aria-live': 'polite', 'aria-label': 'Replies' });
  const input = h('textarea', { id: 'thread-input', rows: 2, placeholder: 'Reply in thread', 'aria-label': 'Reply in thread', maxlength: 10000 });
  const also = h('input', { type: 'checkbox', id: 'thread-also' });
  const form = h('form', { class: 'thread-composer', onsubmit: e => { e.preventDefault(); submit(); } },
    input,
    h('label', { for: 'thread-also', class: 'thread-also' }, also, ' Also send to the conversation'),
    h('button', { type: 'submit', class: 'primary small', id: 'thread-send' }, 'Reply'));
  const element = h('section', { class: 'thread-pane', id: 'thread-pane', 'aria-label': 'Thread' }, rootBox, older, list, form);

  input.addEventListener('keydown', e => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); } });

  function submit() {
    const text = input.value.trim();
    if (!text || !rootId) return;
    input.value = '';
    sendReply(conversationId, rootId, text, also.checked);
    also.checked = false;
  }

  function render() {
    if (!rootId) return;
    const t = repliesOf(conversationId, rootId);
    const root = t.root ?? state.threads.get(conversationId)?.byId.get(rootId);
    const count = root?.thread?.replyCount ?? t.messages.length;
    fill(rootBox, root ? [h('p', { class: 'thread-author' }, root.sender?.name ?? root.sender?.username ?? ''), h('div', { class: 'bubble' }, messageBody(root)),
      h('p', { class: 'hint', id: 'thread-count' }, `${count} ${count === 1 ? 'reply' : 'replies'}`)] : h('p', { class: 'hint' }, 'Loading thread…'));
    older.hidden = !t.hasMore || !t.loaded;
    fill(list, [
      ...t.messages.map(m => messageItem(m, { mine: m.senderId === state.me.id, showSender: true, canEdit: false, canDelete: false })),
      ...[...t.pending.values()].map(p => pendingItem(p, { onRetry: () => {}, onDiscard: () => { t.pending.delete(p.clientMessageId); render(); } })),
    ]);
    list.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }

  /** Shows a thread (loading it on first view); focusId: a reply to scroll to and mark. */
  async function show(cid, id, focusId) {
    if (id !== rootId) { conversationId = cid; rootId = id; input.value = ''; render(); }
    try { await loadReplies(cid, id); } catch { toast('Could not load the thread'); }
    if (focusId) {
      const el = list.querySelector(`[data-id="${CSS.escape(focusId)}"]`);
      el?.scrollIntoView({ block: 'center' });
      el?.classList.add('flash');
    } else input.focus();
  }

  on('replies', id => { if (id === rootId) render(); });
  return { element, show, get rootId() { return rootId; } };
}
