// One message as a list item: text, file link, the typed messages with their payload, system lines.
import { h, shortTime, fullTime, safeUrl, icon } from '../dom.js';
import { TYPE_LABELS } from './common.js';
import { attachmentList, previewCard } from './attachments.js';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/g;

/** Text with http(s) links made clickable; everything stays text nodes. */
function linkify(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(/[.,!?)]+$/, '');
    if (match.index > last) nodes.push(text.slice(last, match.index));
    const href = safeUrl(url);
    nodes.push(href ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, url) : url);
    last = match.index + url.length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}

function fileName(url) {
  try { return decodeURIComponent(new URL(url, location.href).pathname.split('/').filter(Boolean).pop() ?? url); } catch { return url; }
}

function payloadList(payload) {
  if (payload === null || payload === undefined) return null;
  if (typeof payload !== 'object') return h('p', { class: 'payload-value' }, String(payload));
  const entries = Array.isArray(payload) ? payload.map((v, i) => [String(i + 1), v]) : Object.entries(payload);
  if (!entries.length) return null;
  return h('dl', { class: 'payload' }, entries.flatMap(([key, value]) => [
    h('dt', {}, key),
    h('dd', {}, value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value)),
  ]));
}

/** The visible body of a message: by type, then its files and its link preview. */
export function messageBody(m) {
  if (m.deleted) return h('p', { class: 'text deleted-text' }, 'This message was deleted');
  const files = attachmentList(m.attachments);
  const preview = m.preview ? previewCard(m.preview) : null;
  if (!files && !preview) return typedBody(m);
  const text = m.content ? h('p', { class: 'text' }, linkify(m.content)) : null;
  return h('div', { class: 'message-body' }, m.type === 'file' && !m.fileUrl ? text : typedBody(m), files, preview);
}

function typedBody(m) {
  const text = m.content ?? '';
  switch (m.type) {
    case 'text':
      return h('p', { class: 'text' }, linkify(text));
    case 'file': {
      const href = m.fileUrl ? safeUrl(m.fileUrl) : null;
      const label = text || (m.fileUrl ? fileName(m.fileUrl) : 'File');
      return h('div', { class: 'file' },
        icon('clip'),
        href ? h('a', { href, target: '_blank', rel: 'noopener noreferrer', download: '' }, label) : h('span', {}, label, m.fileUrl ? ` (${m.fileUrl})` : ''),
        payloadList(m.payload));
    }
    default:
      return h('div', { class: `card card-${m.type}` },
        h('p', { class: 'card-type' }, TYPE_LABELS[m.type] ?? m.type),
        text ? h('p', { class: 'text' }, linkify(text)) : null,
        payloadList(m.payload));
  }
}

/**
 * A message item. `ctx`: {mine, showSender, canEdit, canDelete, seenBy (text or null), onEdit, onDelete, onThread (optional)}.
 */
export function messageItem(m, ctx) {
  if (m.type === 'system') {
    return h('li', { class: 'message system', dataset: { id: m.id, seq: m.seq } },
      h('p', {}, m.content ?? ''), h('time', { datetime: m.createdAt, title: fullTime(m.createdAt) }, shortTime(m.createdAt)));
  }
  const sender = m.sender?.name ?? m.sender?.username ?? 'Unknown';
  const actions = [];
  if (!m.deleted && ctx.canEdit) actions.push(h('button', { type: 'button', class: 'action edit', 'aria-label': 'Edit message', onclick: ctx.onEdit }, 'Edit'));
  if (!m.deleted && ctx.canDelete) actions.push(h('button', { type: 'button', class: 'action delete', 'aria-label': 'Delete message', onclick: ctx.onDelete }, 'Delete'));
  actions.push(...(ctx.extras?.actions ?? []));
  if (!m.deleted && ctx.onThread) actions.push(h('button', { type: 'button', class: 'action reply', 'aria-label': 'Reply in thread', onclick: ctx.onThread }, 'Reply'));
  const replies = m.thread?.replyCount ?? 0;
  return h('li', { class: `message ${ctx.mine ? 'mine' : 'theirs'}${m.deleted ? ' deleted' : ''}`, dataset: { id: m.id, seq: m.seq } },
    h('div', { class: 'message-meta' },
      ctx.showSender ? h('strong', { class: 'sender' }, sender) : h('span', { class: 'visually-hidden' }, ctx.mine ? 'You' : sender),
      h('time', { datetime: m.createdAt, title: fullTime(m.createdAt) }, shortTime(m.createdAt)),
      m.edited && !m.deleted ? h('span', { class: 'edited' }, '(edited)') : null,
      ctx.extras?.badge,
      actions.length ? h('span', { class: 'message-actions' }, actions) : null),
    h('div', { class: 'bubble' }, messageBody(m)),
    ctx.extras?.chips,
    replies && ctx.onThread ? h('button', { type: 'button', class: 'link thread-link', onclick: ctx.onThread }, `${replies} ${replies === 1 ? 'reply' : 'replies'}`) : null,
    ctx.seenBy ? h('p', { class: 'seen-by' }, ctx.seenBy) : null);
}

/** A send in flight or failed, shown until the server's copy replaces it. */
export function pendingItem(p, { onRetry, onDiscard }) {
  return h('li', { class: `message mine pending${p.failed ? ' failed' : ''}`, dataset: { clientMessageId: p.clientMessageId } },
    h('div', { class: 'bubble' }, messageBody({ ...p, deleted: false })),
    p.failed
      ? h('p', { class: 'send-state', role: 'alert' }, `Not sent: ${p.error}. `,
        h('button', { type: 'button', class: 'link', onclick: onRetry }, 'Retry'), ' ',
        h('button', { type: 'button', class: 'link', onclick: onDiscard }, 'Discard'))
      : h('p', { class: 'send-state' }, 'Sending…'));
}
