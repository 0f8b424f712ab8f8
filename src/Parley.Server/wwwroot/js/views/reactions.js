// Reaction chips under a message, the emoji picker, and the message's pin / mark-unread actions.
import { h } from '../dom.js';
import { state, memberOf } from '../store.js';
import { ApiError } from '../api.js';
import { toggleReaction, togglePin, markUnread, isPinned, canPin, pinsOf } from '../marks.js';
import { openReportDialog } from './safety.js';

export const QUICK_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '🔥', '👀', '✅'];

/** What a message shows and offers for reactions and pins; `sig` changes whenever any of it must re-render. */
export function messageExtras(cid, m, c, toast) {
  if (m.type === 'system' || m.deleted) return { actions: [], sig: '' };
  const fail = e => toast(e instanceof ApiError ? e.describe() : 'That did not work');
  const react = emoji => toggleReaction(cid, m, emoji).catch(fail);
  pinsOf(cid); // loads the pins once, so pinned messages show it
  const pinned = isPinned(cid, m.id);
  const actions = [
    h('button', { type: 'button', class: 'action react', 'aria-label': 'Add reaction', 'aria-haspopup': 'true',
      onclick: e => openPicker(e.currentTarget, react) }, 'React'),
    m.senderId !== state.me.id ? h('button', { type: 'button', class: 'action mark-unread', 'aria-label': 'Mark unread',
      onclick: () => markUnread(cid, m).catch(fail) }, 'Unread') : null,
    canPin(c) ? h('button', { type: 'button', class: 'action pin', 'aria-label': pinned ? 'Unpin message' : 'Pin message',
      onclick: () => togglePin(cid, m).catch(fail) }, pinned ? 'Unpin' : 'Pin') : null,
    m.senderId !== state.me.id ? h('button', { type: 'button', class: 'action report', 'aria-label': 'Report message',
      onclick: () => openReportDialog({ messageId: m.id }, 'message', toast) }, 'Report') : null,
  ].filter(Boolean);
  const chips = m.reactions?.length ? h('ul', { class: 'reactions', 'aria-label': 'Reactions' }, m.reactions.map(r =>
    h('li', {}, h('button', {
      type: 'button', class: `reaction${r.me ? ' mine' : ''}`, 'aria-pressed': String(Boolean(r.me)),
      'aria-label': `${r.emoji} ${r.count}, ${r.me ? 'remove your reaction' : 'react'}`, title: whoReacted(c, r),
      onclick: () => react(r.emoji),
    }, h('span', { class: 'reaction-emoji' }, r.emoji), h('span', { class: 'reaction-count' }, String(r.count)))))) : null;
  const badge = pinned ? h('span', { class: 'pinned-badge' }, 'Pinned') : null;
  return { actions, chips, badge, sig: JSON.stringify([m.reactions, pinned, canPin(c)]) };
}

function whoReacted(c, r) {
  const names = (r.userIds ?? []).map(id => id === state.me.id ? 'You' : (memberOf(c, id)?.name || memberOf(c, id)?.username || 'Someone'));
  const more = r.count - names.length;
  return names.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

let closeOpen = null;

/** A small menu of emoji by the button; arrow keys move, Enter picks, Escape closes and gives focus back. */
function openPicker(button, pick) {
  closeOpen?.();
  const close = () => { menu.remove(); document.removeEventListener('pointerdown', outside, true); closeOpen = null; };
  const outside = e => { if (!menu.contains(e.target)) close(); };
  const menu = h('div', { class: 'emoji-picker', role: 'menu', 'aria-label': 'Pick a reaction' }, QUICK_EMOJI.map(emoji =>
    h('button', { type: 'button', role: 'menuitem', class: 'emoji-option', 'aria-label': `React with ${emoji}`,
      onclick: () => { close(); button.focus(); pick(emoji); } }, emoji)));
  menu.addEventListener('keydown', e => {
    const items = [...menu.querySelectorAll('button')];
    const at = items.indexOf(document.activeElement);
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(); button.focus(); }
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') { e.preventDefault(); items[(at + 1) % items.length].focus(); }
    if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') { e.preventDefault(); items[(at - 1 + items.length) % items.length].focus(); }
  });
  button.closest('li.message')?.append(menu);
  document.addEventListener('pointerdown', outside, true);
  closeOpen = close;
  menu.querySelector('button').focus();
}
