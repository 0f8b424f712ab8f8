// The pinned messages of a conversation, newest pin first, in the side panel.
import { h, shortTime, fullTime } from '../dom.js';
import { state, memberOf } from '../store.js';
import { ApiError } from '../api.js';
import { pinsOf, togglePin, canPin } from '../marks.js';
import { messageBody } from './message.js';
import { loadOlder } from '../actions.js';

export function renderPins(cid, { toast, onJump }) {
  const c = state.conversations.get(cid);
  const list = pinsOf(cid);
  if (!list) return h('p', { class: 'hint' }, 'Loading pinned messages…');
  if (!list.length) return h('p', { class: 'hint', id: 'no-pins' }, 'Nothing pinned yet. Pin a message to keep it here.');
  const name = id => id === state.me.id ? 'you' : (memberOf(c, id)?.name || memberOf(c, id)?.username || 'someone');
  return h('ul', { class: 'pin-list', 'aria-label': 'Pinned messages' }, list.map(p => {
    const m = p.message ?? {};
    return h('li', { class: 'pin', dataset: { id: p.messageId } },
      h('p', { class: 'pin-meta' },
        h('strong', {}, m.sender?.name ?? m.sender?.username ?? ''), ' · ',
        h('time', { datetime: p.pinnedAt, title: fullTime(p.pinnedAt) }, `pinned by ${name(p.pinnedBy)} ${shortTime(p.pinnedAt)}`)),
      h('div', { class: 'bubble' }, messageBody(m)),
      h('p', { class: 'pin-actions' },
        h('button', { type: 'button', class: 'link', onclick: () => onJump(p.messageId) }, 'Show in conversation'),
        canPin(c) ? h('button', { type: 'button', class: 'link', 'aria-label': 'Unpin message',
          onclick: () => togglePin(cid, { ...m, id: p.messageId }).catch(e => toast(e instanceof ApiError ? e.describe() : 'Could not unpin')) }, 'Unpin') : null));
  }));
}

/** Scrolls the open conversation to a message, loading older history until it is there, and highlights it. */
export async function revealMessage(cid, messageId) {
  const find = () => document.querySelector(`#message-list li.message[data-id="${CSS.escape(messageId)}"]`);
  for (let page = 0; !find() && page < 50 && state.openId === cid; page++) if (!await loadOlder(cid)) break;
  const el = find();
  if (!el) return;
  el.scrollIntoView({ block: 'center' });
  el.classList.add('highlight');
  setTimeout(() => el.classList.remove('highlight'), 2000);
}
