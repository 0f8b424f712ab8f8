// The open conversation: header, history (scrolls back without end), typing line, composer.
import { h, fill, confirmDialog, icon } from '../dom.js';
import { state, on, emit, thread, titleOf, otherMember, statusOf, memberOf, typingNames } from '../store.js';
import * as actions from '../actions.js';
import { ApiError } from '../api.js';
import { avatar, kindLabel, seenText, typingText, connectionText } from './common.js';
import { messageItem, pendingItem } from './message.js';
import { messageExtras } from './reactions.js';
import { jumpToFocus } from './jump.js';
import { createUploadTray } from './uploads.js';

export function createConversationView({ togglePanel, toast }) {
  let id = null;
  let editingId = null;
  const items = new Map();      // key → {el, sig}

  const title = h('h2', { id: 'conversation-title', class: 'head-title' });
  const subtitle = h('p', { class: 'subtitle', id: 'conversation-subtitle' });
  const headAvatar = h('span', { class: 'head-avatar' });
  const detailsButton = h('button', { type: 'button', class: 'secondary small', id: 'details-button', 'aria-controls': 'side-panel', 'aria-expanded': 'false',
    onclick: () => togglePanel('details', detailsButton) }, 'Details');
  const pinsButton = h('button', { type: 'button', class: 'secondary small', id: 'pins-button', 'aria-controls': 'side-panel', 'aria-expanded': 'false',
    onclick: () => togglePanel('pins', pinsButton) }, 'Pins');
  const historyTop = h('div', { class: 'history-top' });
  const list = h('ol', { class: 'message-list', id: 'message-list', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': 'Messages' });
  const scroller = h('div', { class: 'messages', id: 'messages', tabindex: '0', 'aria-label': 'Message history' }, historyTop, list);
  const typingLine = h('p', { class: 'typing', id: 'typing-indicator', 'aria-live': 'polite' });
  const input = h('textarea', { id: 'composer-input', rows: 1, placeholder: 'Write a message', autocomplete: 'off', maxlength: 10000, 'aria-describedby': 'composer-hint' });
  const inputLabel = h('label', { for: 'composer-input', class: 'visually-hidden' }, 'Message');
  const files = createUploadTray({ conversationId: () => id, toast });
  const composer = h('form', { class: 'composer', id: 'composer', onsubmit: e => { e.preventDefault(); submit(); } },
    files.input, files.button, inputLabel, input,
    h('button', { type: 'submit', class: 'primary send', id: 'send-button' }, 'Send'),
    h('p', { class: 'visually-hidden', id: 'composer-hint' }, 'Enter sends, Shift+Enter adds a new line, Up arrow edits your last message.'));
  const readOnly = h('p', { class: 'read-only', hidden: true }, 'Only the owner and admins post in this channel.');
  const offline = h('p', { class: 'offline-banner', role: 'status', hidden: true });
  const placeholder = h('div', { class: 'placeholder' }, h('p', {}, 'Pick a conversation on the left, or start a new chat.'));

  const body = h('div', { class: 'conversation-body', hidden: true },
    h('header', { class: 'conversation-head' },
      h('a', { href: '#/', class: 'icon-button back', 'aria-label': 'Back to conversations' }, icon('back')),
      headAvatar,
      h('div', { class: 'head-text' }, title, subtitle),
      pinsButton, detailsButton),
    offline, scroller, typingLine, files.tray, composer, readOnly);
  files.wire(body, input);
  const element = h('main', { class: 'conversation', id: 'conversation', 'aria-labelledby': 'conversation-title' }, placeholder, body);

  // Older history loads when the top of the list scrolls into view (and by button, for keyboards).
  const observer = new IntersectionObserver(entries => {
    if (entries.some(e => e.isIntersecting)) loadOlder();
  }, { root: scroller, rootMargin: '200px 0px 0px 0px' });
  observer.observe(historyTop);

  async function loadOlder() {
    if (!id) return;
    const t = thread(id);
    if (!t.loaded || !t.hasMore || t.loadingOlder) return;
    const current = id;
    try {
      const added = await actions.loadOlder(current);
      // Still at the top (short history, tall screen)? Keep going.
      if (added && current === id && scroller.scrollTop < 200) requestAnimationFrame(loadOlder);
    } catch { toast('Could not load older messages'); }
  }

  async function submit() {
    const [text, target] = [input.value.trim(), id];
    if ((!text && !files.count) || !target) return;
    input.value = '';
    grow();
    stickToBottom = true;
    const attachments = files.count ? await files.take() : [];
    if (attachments.length) actions.send(target, text, { type: text ? 'text' : 'file', attachments });
    else if (text) actions.send(target, text);
  }

  input.addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); return; }
    if (e.key === 'ArrowUp' && input.value === '' && id) {
      const mine = [...thread(id).messages].reverse().find(m => m.senderId === state.me.id && !m.deleted && m.type !== 'system');
      if (mine) { e.preventDefault(); startEdit(mine); }
    }
  });
  input.addEventListener('input', () => { grow(); if (id && input.value) actions.typing(id); });
  function grow() {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  }

  let stickToBottom = true;
  scroller.addEventListener('scroll', () => {
    stickToBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
    if (stickToBottom && id) actions.markRead(id);
  });

  function startEdit(m) {
    editingId = m.id;
    renderMessages();
    const box = list.querySelector(`[data-id="${CSS.escape(m.id)}"] textarea`);
    box?.focus();
    box?.setSelectionRange(box.value.length, box.value.length);
  }

  function editForm(m) {
    const box = h('textarea', { id: `edit-${m.id}`, rows: 2, value: m.content ?? '', 'aria-label': 'Edit message' });
    const done = () => { editingId = null; renderMessages(); input.focus(); };
    const save = async () => {
      const text = box.value.trim();
      if (!text || text === m.content) return done();
      try { await actions.edit(id, m.id, text); done(); } catch (e) { toast(e instanceof ApiError ? e.describe() : 'Could not edit'); }
    };
    box.addEventListener('keydown', e => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); save(); }
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); done(); }
    });
    return h('li', { class: 'message mine editing', dataset: { id: m.id, seq: m.seq } },
      h('form', { class: 'edit-form', onsubmit: e => { e.preventDefault(); save(); } },
        box,
        h('div', { class: 'edit-actions' },
          h('button', { type: 'button', class: 'secondary small', onclick: done }, 'Cancel'),
          h('button', { type: 'submit', class: 'primary small' }, 'Save'))));
  }

  async function deleteMessage(m) {
    if (!await confirmDialog('Delete this message for everyone?', 'Delete')) return;
    try { await actions.remove(id, m.id); } catch (e) { toast(e instanceof ApiError ? e.describe() : 'Could not delete'); }
    input.focus();
  }

  function renderMessages() {
    if (!id) return;
    const c = state.conversations.get(id);
    const t = thread(id);
    const myRole = c?.myRole ?? memberOf(c, state.me.id)?.role;
    const admin = c?.type !== 'direct' && (myRole === 'OWNER' || myRole === 'ADMIN');
    const lastMine = [...t.messages].reverse().find(m => m.senderId === state.me.id && m.type !== 'system');

    // Keep the reader's place: remember where the first visible message sits, restore it after the update.
    const anchor = [...list.children].find(el => el.offsetTop + el.offsetHeight > scroller.scrollTop);
    const anchorTop = anchor ? anchor.offsetTop - scroller.scrollTop : 0;

    const wanted = [];
    let previousSender = null;
    for (const m of t.messages) {
      const mine = m.senderId === state.me.id;
      const showSender = !mine && c?.type !== 'direct' && previousSender !== m.senderId;
      previousSender = m.type === 'system' ? null : m.senderId;
      const seenBy = m === lastMine && c ? seenText(c, m) : null;
      const editing = m.id === editingId;
      const extras = messageExtras(id, m, c, toast);
      const sig = JSON.stringify([m.content, m.edited, m.deleted, m.fileUrl, m.payload, m.attachments?.length, m.preview, seenBy, showSender, admin, editing, extras.sig, m.thread?.replyCount]);
      wanted.push(reuse(`m:${m.id}`, sig, () => editing ? editForm(m) : messageItem(m, {
        mine, showSender, seenBy, canEdit: mine && m.type === 'text', canDelete: mine || admin, extras,
        onEdit: () => startEdit(m), onDelete: () => deleteMessage(m), onThread: () => emit('open-thread', { cid: id, rootId: m.id }),
      })));
    }
    for (const p of t.pending.values()) {
      wanted.push(reuse(`p:${p.clientMessageId}`, JSON.stringify([p.failed, p.error]), () => pendingItem(p, {
        onRetry: () => actions.retry(id, p.clientMessageId), onDiscard: () => actions.discard(id, p.clientMessageId),
      })));
    }
    const keep = new Set(wanted);
    for (const [key, item] of items) if (!keep.has(item.el)) { item.el.remove(); items.delete(key); }
    wanted.forEach((el, i) => { if (list.children[i] !== el) list.insertBefore(el, list.children[i] ?? null); });

    fill(historyTop, !t.loaded ? h('p', { class: 'hint' }, 'Loading messages…')
      : t.hasMore ? h('button', { type: 'button', class: 'link', id: 'load-older', onclick: loadOlder }, 'Load older messages')
        : h('p', { class: 'hint', id: 'history-start' }, t.messages.length ? 'This is the start of the conversation.' : 'No messages yet. Say hello!'));

    if (stickToBottom) scroller.scrollTop = scroller.scrollHeight;
    else if (anchor?.isConnected) scroller.scrollTop = anchor.offsetTop - anchorTop;
    if (stickToBottom) actions.markRead(id);
  }

  function reuse(key, sig, build) {
    const old = items.get(key);
    if (old && old.sig === sig) return old.el;
    const el = build();
    if (old) old.el.replaceWith(el);
    items.set(key, { el, sig });
    return el;
  }

  function renderHead() {
    if (!id) return;
    const c = state.conversations.get(id);
    if (!c) return;
    const name = titleOf(c);
    const other = otherMember(c);
    title.textContent = name;
    subtitle.textContent = other ? statusOf(other)
      : `${kindLabel(c.type)} · ${c.memberCount ?? c.members?.length ?? 0} member${(c.memberCount ?? 0) === 1 ? '' : 's'}`;
    fill(headAvatar, avatar(name, c.id, other ? statusOf(other) : undefined, c.type === 'direct' ? '' : c.type));
    inputLabel.textContent = `Message ${name}`;
    input.placeholder = `Message ${name}`;
    const myRole = c.myRole ?? memberOf(c, state.me.id)?.role;
    const canPost = c.type !== 'channel' || myRole === 'OWNER' || myRole === 'ADMIN';
    composer.hidden = !canPost;
    readOnly.hidden = canPost;
  }
  function renderTyping() {
    if (id) typingLine.textContent = typingText(typingNames(id));
  }
  async function open(next) {
    if (next === id) return;
    if (id) actions.stopTyping(id);
    id = next;
    editingId = null;
    files.clear();
    items.clear();
    list.replaceChildren();
    stickToBottom = true;
    placeholder.hidden = Boolean(id);
    body.hidden = !id;
    if (!id) return;
    input.value = '';
    typingLine.textContent = '';
    renderHead();
    renderMessages();
    renderConnection();
    const t = thread(id);
    const current = id;
    // A history loaded earlier only needs what came after it.
    const loading = [actions.refreshConversation(id), t.loaded ? actions.loadNewer(id) : actions.loadLatest(id)];
    const results = await Promise.allSettled(loading);
    if (current !== id) return;
    if (!state.conversations.has(id)) { title.textContent = 'Conversation not found'; composer.hidden = true; return; }
    if (results.some(r => r.status === 'rejected')) toast('Could not load this conversation');
    renderHead();
    renderMessages();
    jump();
  }
  const jump = () => jumpToFocus(id, { list, render: renderMessages, unstick: () => { stickToBottom = false; } });

  function renderConnection() {
    offline.hidden = state.connection === 'online';
    offline.textContent = connectionText(state);
  }

  on('connection', renderConnection);
  on('thread', cid => { if (cid === id) renderMessages(); });
  on('conversation', cid => { if (cid === id) { renderHead(); renderMessages(); } });
  on('presence', () => renderHead());
  on('typing', cid => { if (cid === id) renderTyping(); });
  on('focus', () => { if (id && thread(id).loaded) jump(); });
  document.addEventListener('visibilitychange', () => { if (id && stickToBottom) actions.markRead(id); });

  return { element, open, focusComposer: () => input.focus(), detailsButton, pinsButton };
}
