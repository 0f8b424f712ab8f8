// The notifications panel: newest first, unread marked; opening one marks it read and jumps to its conversation.
import { h } from '../dom.js';
import { state } from '../store.js';

export function renderNotifications({ onOpen, onReadAll }) {
  const { items, unread, loaded, failed } = state.notifications;
  const list = h('ul', { class: 'notification-list', 'aria-label': 'Notifications' }, items.map(n =>
    h('li', { class: `notification${n.read ? '' : ' unread'}` },
      h('button', { type: 'button', class: 'notification-button', onclick: () => onOpen(n) },
        h('span', { class: 'notification-message' }, n.message),
        h('time', { datetime: n.createdAt }, new Date(n.createdAt).toLocaleString()),
        n.read ? null : h('span', { class: 'visually-hidden' }, ' (unread)')))));
  return h('div', { class: 'notifications' },
    h('div', { class: 'notifications-bar' },
      h('p', { class: 'hint' }, unread ? `${unread} unread` : 'All caught up'),
      unread ? h('button', { type: 'button', class: 'link', id: 'read-all', onclick: onReadAll }, 'Mark all as read') : null),
    items.length ? list
      : !loaded ? h('p', { class: 'hint' }, failed ? 'Notifications could not be loaded; they will be retried when the connection is back.' : 'Loading…')
        : h('p', { class: 'hint' }, 'No notifications yet.'));
}
