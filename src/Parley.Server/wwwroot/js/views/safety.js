// Trust and safety in the client: blocking people, muting a conversation, reporting, and a moderator's member controls.
import { h, confirmDialog } from '../dom.js';
import { endpoints, ApiError } from '../api.js';
import { state, emit, setConversation } from '../store.js';

export const REPORT_REASONS = ['spam', 'harassment', 'hate', 'violence', 'sexual', 'self_harm', 'impersonation', 'other'];
const REASON_LABELS = { self_harm: 'Self-harm', sexual: 'Sexual content' };
const label = r => REASON_LABELS[r] ?? r[0].toUpperCase() + r.slice(1);

let blocked = null;

/** The people I blocked (ids), loaded once; re-rendered through the 'conversation' event when it changes. */
export function isBlocked(userId) {
  if (!blocked) {
    blocked = new Set();
    endpoints.blocked().then(list => { blocked = new Set(list.map(u => u.id)); if (state.openId) emit('conversation', state.openId); }).catch(() => {});
  }
  return blocked.has(userId);
}

const failWith = toast => e => toast(e instanceof ApiError ? e.describe() : 'That did not work');

/** A dialog asking why: reason from the fixed list plus optional details. Target: { messageId } or { userId }. */
export function openReportDialog(target, what, toast) {
  const reason = h('select', { id: 'report-reason', required: true },
    h('option', { value: '' }, 'Choose a reason…'), REPORT_REASONS.map(r => h('option', { value: r }, label(r))));
  const details = h('textarea', { id: 'report-details', rows: 3, maxlength: 1000, placeholder: 'Anything a moderator should know (optional)' });
  const dialog = h('dialog', { class: 'dialog report-dialog', 'aria-label': `Report ${what}` },
    h('form', { method: 'dialog', class: 'stack' },
      h('h2', {}, `Report ${what}`),
      h('div', { class: 'field' }, h('label', { for: 'report-reason' }, 'Reason'), reason),
      h('div', { class: 'field' }, h('label', { for: 'report-details' }, 'Details'), details),
      h('div', { class: 'dialog-actions' },
        h('button', { value: 'cancel', class: 'secondary', formnovalidate: true }, 'Cancel'),
        h('button', { value: 'ok', class: 'danger', id: 'send-report' }, 'Send report'))));
  dialog.addEventListener('close', async () => {
    dialog.remove();
    if (dialog.returnValue !== 'ok' || !reason.value) return;
    try {
      await endpoints.report({ ...target, reason: reason.value, details: details.value.trim() || undefined });
      toast('Thanks. A moderator will look at your report.');
    } catch (e) { failWith(toast)(e); }
  });
  document.body.append(dialog);
  dialog.showModal();
}

/** Mute for me, and for owners/admins of a group or channel: slow mode. Shown in the conversation's details. */
export function conversationSafety(c, admin, toast) {
  const muted = Boolean(c.muted);
  const act = async fn => { try { const r = await fn(); if (r?.id) setConversation(r); } catch (e) { failWith(toast)(e); } };
  const refresh = () => endpoints.conversation(c.id);
  const mute = h('button', { type: 'button', class: 'secondary small', id: 'mute-conversation', 'aria-pressed': String(muted),
    onclick: () => act(async () => { await (muted ? endpoints.unmute(c.id) : endpoints.mute(c.id)); toast(muted ? 'Unmuted' : 'Muted: no notifications from here'); return refresh(); }) },
    muted ? 'Unmute' : 'Mute notifications');
  const state_ = h('p', { class: 'hint', id: 'mute-state' }, muted
    ? (c.mutedUntil ? `Muted until ${new Date(c.mutedUntil).toLocaleString()}` : 'Muted') : 'Notifications on');
  let slow = null;
  if (admin) {
    const select = h('select', { id: 'slow-mode', 'aria-label': 'Slow mode' },
      [[0, 'Off'], [10, '10 seconds'], [30, '30 seconds'], [60, '1 minute'], [300, '5 minutes'], [3600, '1 hour']].map(([v, t]) =>
        h('option', { value: String(v), selected: (c.slowModeSeconds ?? 0) === v }, t)));
    select.addEventListener('change', () => act(() => endpoints.updateConversation(c.id, { slowModeSeconds: Number(select.value) })));
    slow = h('div', { class: 'field' }, h('label', { for: 'slow-mode' }, 'Slow mode'), select);
  }
  return h('div', { class: 'safety stack' }, h('div', { class: 'mute-row' }, mute, state_), slow);
}

/** Per member: block or unblock and report (anyone but me); ban and a one-hour timeout (moderators, over members they outrank). */
export function memberSafety(c, member, { admin, myRole }, toast) {
  const userId = member.userId ?? member.id;
  if (userId === state.me.id) return [];
  const name = member.name || member.username;
  const fail = failWith(toast);
  const controls = [];
  const isBlockedNow = isBlocked(userId);
  controls.push(h('button', { type: 'button', class: 'secondary small block-user', 'aria-label': `${isBlockedNow ? 'Unblock' : 'Block'} ${name}`,
    onclick: async () => {
      if (!isBlockedNow && !await confirmDialog(`Block ${name}? They cannot message you directly, and you will not see what they say in groups.`, 'Block')) return;
      try {
        if (isBlockedNow) { await endpoints.unblock(userId); blocked.delete(userId); toast(`${name} unblocked`); }
        else { await endpoints.block(userId); blocked.add(userId); toast(`${name} blocked`); }
        emit('conversation', c.id);
      } catch (e) { fail(e); }
    } }, isBlockedNow ? 'Unblock' : 'Block'));
  controls.push(h('button', { type: 'button', class: 'secondary small report-user', 'aria-label': `Report ${name}`,
    onclick: () => openReportDialog({ userId }, name, toast) }, 'Report'));
  const outranked = member.role !== 'OWNER' && (member.role !== 'ADMIN' || myRole === 'OWNER');
  if (admin && outranked) {
    controls.push(h('button', { type: 'button', class: 'secondary small timeout-user', 'aria-label': `Time out ${name}`,
      onclick: async () => {
        try { await endpoints.timeout(c.id, userId, new Date(Date.now() + 3600_000).toISOString()); toast(`${name} is timed out for an hour`); } catch (e) { fail(e); }
      } }, 'Timeout 1 h'));
    controls.push(h('button', { type: 'button', class: 'danger small ban-user', 'aria-label': `Ban ${name}`,
      onclick: async () => {
        if (!await confirmDialog(`Ban ${name} from this conversation?`, 'Ban')) return;
        try { await endpoints.ban(c.id, userId); toast(`${name} banned`); } catch (e) { fail(e); }
      } }, 'Ban'));
  }
  return controls;
}
