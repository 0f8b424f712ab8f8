// The signed-in screen: conversation list, open conversation, and a side panel (details or notifications).
// On a narrow screen one pane shows at a time; the side panel covers the screen.
import { h, fill, keepFocus, icon } from '../dom.js';
import { state, on, emit } from '../store.js';
import * as actions from '../actions.js';
import { createSidebar } from './sidebar.js';
import { createConversationView } from './conversation.js';
import { renderDetails } from './details.js';
import { renderNotifications } from './notifications.js';
import { renderPins, revealMessage } from './pins.js';
import { createThreadPane } from './threadpane.js';
import { createSearchPanel } from './search.js';

const PANEL_TITLES = { details: 'Details', notifications: 'Notifications', thread: 'Thread', search: 'Search results', pins: 'Pinned messages' };

const narrow = window.matchMedia('(max-width: 760px)');

export function createShell({ signOut, toast }) {
  let panel = null;
  let opener = null;

  const panelTitle = h('h2', { id: 'panel-title', tabindex: '-1' });
  const panelBody = h('div', { class: 'panel-body' });
  const panelElement = h('aside', { class: 'side-panel', id: 'side-panel', 'aria-labelledby': 'panel-title', hidden: true },
    h('div', { class: 'panel-head' },
      panelTitle,
      h('button', { type: 'button', class: 'icon-button', id: 'close-panel', 'aria-label': 'Close panel', onclick: () => closePanel() }, icon('close'))),
    panelBody);

  const threadPane = createThreadPane({ toast });
  const searchPanel = createSearchPanel({ toast });
  const sidebar = createSidebar({ togglePanel, signOut, toast, onSearch: text => { showPanel('search'); searchPanel.run(text); } });
  const conversation = createConversationView({ togglePanel, toast });
  const element = h('div', { class: 'shell', dataset: { pane: 'list' } }, sidebar.element, conversation.element, panelElement);

  function togglePanel(kind, button) {
    if (panel === kind) return closePanel();
    panel = kind;
    opener = button;
    panelElement.hidden = false;
    element.dataset.panel = kind;
    renderPanel();
    syncExpanded();
    panelTitle.focus();
  }

  /** Opens a panel (or keeps it open) without toggling. */
  function showPanel(kind) {
    if (panel === kind) renderPanel();
    else togglePanel(kind, null);
  }

  function closePanel() {
    if (!panel) return;
    panel = null;
    panelElement.hidden = true;
    delete element.dataset.panel;
    syncExpanded();
    if (opener?.isConnected && !opener.closest('[hidden]')) opener.focus();
    opener = null;
  }

  function syncExpanded() {
    sidebar.bell.setAttribute('aria-expanded', String(panel === 'notifications'));
    conversation.detailsButton.setAttribute('aria-expanded', String(panel === 'details'));
    conversation.pinsButton.setAttribute('aria-expanded', String(panel === 'pins'));
  }

  function renderPanel() {
    if (!panel) return;
    if ((panel === 'details' || panel === 'pins') && !state.openId) return closePanel();
    panelTitle.textContent = PANEL_TITLES[panel];
    // The thread pane and search results keep their own state (a reply being typed): shown, not rebuilt.
    if (panel === 'thread' || panel === 'search') {
      const pane = panel === 'thread' ? threadPane.element : searchPanel.element;
      if (panelBody.firstChild !== pane) fill(panelBody, pane);
      return;
    }
    keepFocus(panelBody, () => fill(panelBody, panel === 'details' ? renderDetails(state.openId, { toast })
      : panel === 'pins' ? renderPins(state.openId, { toast, onJump: messageId => { if (narrow.matches) closePanel(); revealMessage(state.openId, messageId); } })
      : renderNotifications({
        onOpen: async n => {
          actions.markNotificationRead(n).catch(() => {});
          if (n.conversationId && state.conversations.has(n.conversationId)) {
            if (narrow.matches) closePanel();
            emit('navigate', n.conversationId);
          }
        },
        onReadAll: () => actions.markAllNotificationsRead().catch(() => toast('Could not mark notifications read')),
      })));
  }

  function open(id) {
    if (panel === 'thread' && id !== state.openId) closePanel();
    state.openId = id;
    element.dataset.pane = id ? 'conversation' : 'list';
    if (panel === 'details' || panel === 'pins') { if (id) renderPanel(); else closePanel(); }
    conversation.open(id);
    emit('navigate-done', id);
    if (id) conversation.focusComposer();
  }

  on('conversation', id => {
    if (id !== state.openId) return;
    // The open conversation is gone (deleted, I left, or I was removed): back to the list.
    if (!state.conversations.has(id)) {
      toast('That conversation is no longer available');
      emit('navigate', null);
      return;
    }
    if (panel === 'details') renderPanel();
  });
  on('presence', () => { if (panel === 'details') renderPanel(); });
  on('notifications', () => { if (panel === 'notifications') renderPanel(); });
  on('pins', id => { if (panel === 'pins' && id === state.openId) renderPanel(); });
  on('open-thread', ({ cid, rootId, focusId }) => { showPanel('thread'); threadPane.show(cid, rootId, focusId); });
  on('navigate', id => { location.hash = id ? `#/c/${encodeURIComponent(id)}` : '#/'; });
  element.addEventListener('keydown', e => { if (e.key === 'Escape' && panel && !e.defaultPrevented) closePanel(); });

  return { element, open };
}
