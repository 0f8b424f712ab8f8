// Dialogs: start a direct chat (search people), create a group or a channel; and the people picker they share.
import { h, fill, debounce, icon } from '../dom.js';
import { endpoints, ApiError } from '../api.js';
import { state, emit, setConversation } from '../store.js';
import { avatar } from './common.js';

/** A search box with results; `onPick(user)` fires on a result's button. */
export function userPicker({ id, label, actionLabel, onPick, exclude = () => new Set() }) {
  const input = h('input', { id, type: 'search', autocomplete: 'off', placeholder: 'Name or username', 'aria-describedby': `${id}-hint` });
  const hint = h('p', { class: 'hint', id: `${id}-hint`, 'aria-live': 'polite' }, 'Type at least one letter.');
  const results = h('ul', { class: 'user-results', 'aria-label': 'Search results' });
  let last = '';

  async function run() {
    const text = input.value.trim();
    last = text;
    if (!text) { fill(results); hint.textContent = 'Type at least one letter.'; return; }
    try {
      const users = await endpoints.searchUsers(text);
      if (text !== last) return;
      const skip = exclude();
      const shown = users.filter(u => u.id !== state.me.id && !skip.has(u.id) && !u.deleted);
      hint.textContent = shown.length ? `${shown.length} found` : 'Nobody found.';
      fill(results, shown.map(u => h('li', { class: 'user-result' },
        avatar(u.name || u.username, u.id, u.status),
        h('span', { class: 'user-names' }, h('strong', {}, u.name || u.username), h('small', {}, `@${u.username}`)),
        h('button', { type: 'button', class: 'secondary small', 'aria-label': `${actionLabel} ${u.name || u.username}`, onclick: () => onPick(u) }, actionLabel))));
    } catch (e) {
      hint.textContent = e instanceof ApiError ? e.describe() : 'Search failed.';
    }
  }

  const search = debounce(run, 200);
  input.addEventListener('input', search);
  // Enter searches now and picks the first result (instead of submitting the surrounding form).
  input.addEventListener('keydown', async e => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    if (last !== input.value.trim()) await run();
    results.querySelector('button')?.click();
  });
  const element = h('div', { class: 'user-picker' }, h('label', { for: id }, label), input, hint, results);
  return { element, input, refresh: search };
}

function modal(titleId, title, ...content) {
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
    h('div', { class: 'dialog-head' },
      h('h2', { id: titleId }, title),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => dialog.close() }, icon('close'))),
    ...content);
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  return dialog;
}

export function openNewChat(toast) {
  let starting = false;
  const picker = userPicker({
    id: 'new-chat-search', label: 'Find people', actionLabel: 'Message',
    onPick: async user => {
      if (starting) return;
      starting = true;
      try {
        const c = await endpoints.createConversation({ type: 'direct', participantId: user.id });
        setConversation(c);
        dialog.close();
        emit('navigate', c.id);
      } catch (e) { toast(e instanceof ApiError ? e.describe() : 'Could not start the chat'); }
      starting = false;
    },
  });
  const dialog = modal('new-chat-title', 'New chat', picker.element);
  dialog.showModal();
  picker.input.focus();
}

export function openCreateRoom(type, toast) {
  const noun = type === 'channel' ? 'channel' : 'group';
  const chosen = new Map();
  const name = h('input', { id: 'room-name', required: true, maxlength: 100, autocomplete: 'off' });
  const description = h('textarea', { id: 'room-description', rows: 2, maxlength: 1000 });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const chips = h('ul', { class: 'chips', 'aria-label': 'Chosen members' });
  const picker = userPicker({
    id: 'room-member-search', label: 'Add people', actionLabel: 'Add',
    exclude: () => new Set(chosen.keys()),
    onPick: user => { chosen.set(user.id, user); renderChips(); picker.refresh(); picker.input.focus(); },
  });

  function renderChips() {
    fill(chips, [...chosen.values()].map(u => h('li', { class: 'chip' }, u.name || u.username,
      h('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove ${u.name || u.username}`,
        onclick: () => { chosen.delete(u.id); renderChips(); picker.refresh(); } }, icon('close')))));
  }

  async function submit(e) {
    e.preventDefault();
    if (create.disabled) return;
    error.textContent = '';
    create.disabled = true;
    try {
      const c = await endpoints.createConversation({
        type, name: name.value.trim(), description: description.value.trim() || undefined, participantIds: [...chosen.keys()],
      });
      setConversation(c);
      dialog.close();
      emit('navigate', c.id);
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.describe() : `Could not create the ${noun}`;
      create.disabled = false;
    }
  }

  const create = h('button', { type: 'submit', class: 'primary', id: 'create-room-submit' }, `Create ${noun}`);

  const dialog = modal('create-room-title', type === 'channel' ? 'New channel' : 'New group',
    h('form', { class: 'stack', onsubmit: submit },
      type === 'channel' ? h('p', { class: 'hint' }, 'In a channel only the owner and admins post; members read.') : null,
      h('div', { class: 'field' }, h('label', { for: 'room-name' }, `${noun[0].toUpperCase()}${noun.slice(1)} name`), name),
      h('div', { class: 'field' }, h('label', { for: 'room-description' }, 'Description (optional)'), description),
      picker.element,
      chips,
      error,
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'),
        create)));
  dialog.showModal();
  name.focus();
}
