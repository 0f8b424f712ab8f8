// The left column: who I am, connection state, notifications button, new chat/group/channel, the conversation list.
import { h, fill, keepFocus, shortTime, icon } from '../dom.js';
import { state, on, sortedConversations, titleOf, otherMember, statusOf } from '../store.js';
import { avatar, summary, senderPrefix, kindLabel } from './common.js';
import { openNewChat, openCreateRoom } from './create.js';
import { pushToggle } from '../push.js';
import { openAdminPage } from './admin.js';

const CONNECTION_TEXT = { online: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', offline: 'Offline' };

export function createSidebar({ togglePanel, signOut, toast, onSearch }) {
  const searchInput = h('input', { type: 'search', id: 'search-input', placeholder: 'Search messages', 'aria-label': 'Search messages', maxlength: 200 });
  const searchForm = h('form', { class: 'search-form', role: 'search', onsubmit: e => {
    e.preventDefault();
    if (searchInput.value.trim()) onSearch(searchInput.value.trim());
  } }, searchInput);
  const list = h('ul', { class: 'conversation-list', id: 'conversation-list' });
  const empty = h('p', { class: 'empty-list' }, 'No conversations yet. Start a chat with someone, or create a group.');
  const connection = h('span', { class: 'connection', role: 'status', 'aria-live': 'polite' });
  const badge = h('span', { class: 'badge', hidden: true });
  const bell = h('button', { type: 'button', class: 'icon-button', id: 'notifications-button', 'aria-controls': 'side-panel', 'aria-expanded': 'false',
    onclick: () => togglePanel('notifications', bell) }, icon('bell'), badge);

  const element = h('aside', { class: 'sidebar', 'aria-label': 'Conversations' },
    h('header', { class: 'sidebar-head' },
      h('h1', { class: 'brand small' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'Parley'),
      connection,
      bell),
    h('div', { class: 'sidebar-actions' },
      h('button', { type: 'button', class: 'primary', id: 'new-chat', onclick: () => openNewChat(toast) }, 'New chat'),
      h('button', { type: 'button', class: 'secondary', id: 'new-group', onclick: () => openCreateRoom('group', toast) }, 'New group'),
      h('button', { type: 'button', class: 'secondary', id: 'new-channel', onclick: () => openCreateRoom('channel', toast) }, 'New channel'),
      state.me?.isAdmin ? h('button', { type: 'button', class: 'secondary', id: 'admin-button', onclick: () => openAdminPage(toast) }, 'Admin') : null),
    searchForm,
    h('nav', { class: 'conversation-nav', 'aria-label': 'Conversation list' }, list, empty),
    h('footer', { class: 'sidebar-foot' },
      avatar(state.me.name || state.me.username, state.me.id, 'online'),
      h('span', { class: 'me' }, h('strong', {}, state.me.name || state.me.username), h('small', {}, `@${state.me.username}`)),
      pushToggle(toast),
      h('button', { type: 'button', class: 'secondary small', id: 'sign-out', onclick: signOut }, 'Sign out')));

  function renderList() {
    keepFocus(list, () => fill(list, sortedConversations().map(row)));
    empty.hidden = state.conversations.size > 0;
  }

  function row(c) {
    const other = otherMember(c);
    const title = titleOf(c);
    const unread = c.unreadCount ?? 0;
    const status = other ? statusOf(other) : undefined;
    const preview = c.lastMessage ? senderPrefix(c.lastMessage, c) + summary(c.lastMessage) : kindLabel(c.type);
    const label = [title, kindLabel(c.type), status && `(${status})`, unread ? `${unread} unread` : ''].filter(Boolean).join(', ');
    return h('li', { class: 'conversation-row' },
      h('a', {
        href: `#/c/${encodeURIComponent(c.id)}`, class: `conversation-link${unread ? ' unread' : ''}`,
        'aria-current': c.id === state.openId ? 'page' : undefined, 'aria-label': label,
        dataset: { focusKey: `conv-${c.id}`, conversationId: c.id },
      },
        avatar(title, c.id, status, c.type === 'direct' ? '' : c.type),
        h('span', { class: 'conversation-text' },
          h('span', { class: 'conversation-top' },
            h('span', { class: 'conversation-title' }, title),
            h('time', { class: 'conversation-time', datetime: c.lastMessageAt ?? '' }, shortTime(c.lastMessageAt))),
          h('span', { class: 'conversation-bottom' },
            h('span', { class: 'conversation-preview' }, preview),
            c.muted ? h('span', { class: 'muted-mark', title: 'Muted' }, 'muted') : null,
            unread ? h('span', { class: 'badge unread-badge', 'aria-hidden': 'true' }, unread > 99 ? '99+' : String(unread)) : null))));
  }

  function renderConnection() {
    connection.textContent = CONNECTION_TEXT[state.connection] ?? state.connection;
    connection.className = `connection connection-${state.connection}`;
  }

  function renderBadge() {
    const n = state.notifications.unread;
    badge.hidden = n === 0;
    badge.textContent = n > 99 ? '99+' : String(n);
    bell.setAttribute('aria-label', n ? `Notifications, ${n} unread` : 'Notifications');
  }

  on('conversations', renderList);
  on('navigate-done', renderList);
  on('connection', renderConnection);
  on('notifications', renderBadge);
  renderList();
  renderConnection();
  renderBadge();
  return { element, bell };
}
