// The details panel of a conversation: name and description, members with roles, add/remove, leave/delete.
import { h, confirmDialog } from '../dom.js';
import { endpoints, ApiError } from '../api.js';
import { state, emit, titleOf, statusOf, memberOf, setConversation, removeConversation } from '../store.js';
import { avatar, roleLabel, kindLabel } from './common.js';
import { userPicker } from './create.js';
import { conversationSafety, memberSafety } from './safety.js';

export function renderDetails(id, { toast }) {
  const c = state.conversations.get(id);
  if (!c) return h('p', { class: 'hint' }, 'Conversation not found.');
  const myRole = c.myRole ?? memberOf(c, state.me.id)?.role;
  const admin = c.type !== 'direct' && (myRole === 'OWNER' || myRole === 'ADMIN');
  const fail = e => toast(e instanceof ApiError ? e.describe() : 'That did not work');
  const act = async (fn, done) => { try { const r = await fn(); if (r?.id) setConversation(r); done?.(); } catch (e) { fail(e); } };

  const members = [...(c.members ?? [])].sort((a, b) => rank(a.role) - rank(b.role) || (a.name ?? '').localeCompare(b.name ?? ''));
  const memberList = h('ul', { class: 'member-list', 'aria-label': 'Members' }, members.map(m => {
    const userId = m.userId ?? m.id;
    const name = m.name || m.username;
    const me = userId === state.me.id;
    const controls = [];
    if (admin && !me && m.role !== 'OWNER') {
      const select = h('select', { 'aria-label': `Role of ${name}`, class: 'role-select' },
        h('option', { value: 'MEMBER', selected: m.role === 'MEMBER' }, 'Member'),
        h('option', { value: 'ADMIN', selected: m.role === 'ADMIN' }, 'Admin'));
      select.addEventListener('change', () => act(() => endpoints.setRole(id, userId, select.value)));
      controls.push(select, h('button', { type: 'button', class: 'secondary small', 'aria-label': `Remove ${name}`,
        onclick: async () => { if (await confirmDialog(`Remove ${name} from ${titleOf(c)}?`, 'Remove')) act(() => endpoints.removeMember(id, userId)); } }, 'Remove'));
    }
    controls.push(...memberSafety(c, m, { admin, myRole }, toast));
    return h('li', { class: 'member' },
      avatar(name, userId, statusOf(m)),
      h('span', { class: 'user-names' }, h('strong', {}, name, me ? ' (you)' : ''), h('small', {}, `@${m.username} · ${statusOf(m)}`)),
      c.type !== 'direct' ? h('span', { class: `role role-${(m.role ?? '').toLowerCase()}` }, roleLabel(m.role)) : null,
      controls.length ? h('span', { class: 'member-controls' }, controls) : null);
  }));

  let about = null;
  if (admin) {
    const name = h('input', { id: 'details-name', value: c.name ?? '', maxlength: 100, required: true });
    const description = h('textarea', { id: 'details-description', rows: 2, maxlength: 1000, value: c.description ?? '' });
    about = h('form', { class: 'stack', onsubmit: e => { e.preventDefault(); act(() => endpoints.updateConversation(id, { name: name.value.trim(), description: description.value.trim() }), () => toast('Saved')); } },
      h('div', { class: 'field' }, h('label', { for: 'details-name' }, 'Name'), name),
      h('div', { class: 'field' }, h('label', { for: 'details-description' }, 'Description'), description),
      h('button', { type: 'submit', class: 'secondary small' }, 'Save changes'));
  } else if (c.description) {
    about = h('p', { class: 'description' }, c.description);
  }

  const adder = admin ? userPicker({
    id: 'add-member-search', label: 'Add people', actionLabel: 'Add',
    exclude: () => new Set((state.conversations.get(id)?.members ?? []).map(m => m.userId ?? m.id)),
    onPick: user => act(() => endpoints.addMember(id, user.id), () => toast(`${user.name || user.username} added`)),
  }).element : null;

  const leave = h('button', { type: 'button', class: 'secondary', id: 'leave-conversation', onclick: async () => {
    if (!await confirmDialog(`Leave ${titleOf(c)}?`, 'Leave')) return;
    act(() => endpoints.leaveConversation(id), () => gone(id));
  } }, c.type === 'direct' ? 'Leave conversation' : `Leave ${c.type}`);
  const del = admin ? h('button', { type: 'button', class: 'danger', id: 'delete-conversation', onclick: async () => {
    if (!await confirmDialog(`Delete ${titleOf(c)} for everyone?`, 'Delete')) return;
    act(() => endpoints.deleteConversation(id), () => gone(id));
  } }, `Delete ${c.type}`) : null;

  return h('div', { class: 'details' },
    h('div', { class: 'details-summary' },
      avatar(titleOf(c), c.id, undefined, c.type === 'direct' ? '' : c.type),
      h('div', {}, h('p', { class: 'details-title' }, titleOf(c)), h('p', { class: 'hint' }, kindLabel(c.type), myRole && c.type !== 'direct' ? ` · you are ${roleLabel(myRole).toLowerCase()}` : ''))),
    about,
    conversationSafety(c, admin, toast),
    h('h3', {}, `Members (${c.memberCount ?? members.length})`),
    memberList,
    adder,
    h('div', { class: 'danger-zone' }, leave, del));
}

/** After I left or deleted it: close the panel and go back to the list without a "no longer available" notice. */
function gone(id) {
  state.openId = null;
  removeConversation(id);
  emit('navigate', null);
}

function rank(role) {
  return { OWNER: 0, ADMIN: 1 }[role] ?? 2;
}
