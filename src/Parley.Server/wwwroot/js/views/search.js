// Message search: the results panel. Each hit opens its conversation scrolled to the message (or its thread).
import { h, fill, shortTime } from '../dom.js';
import { state, emit } from '../store.js';
import { endpoints, ApiError } from '../api.js';

export function createSearchPanel({ toast }) {
  const status = h('p', { class: 'hint', id: 'search-status', role: 'status' });
  const list = h('ul', { class: 'search-results', id: 'search-results' });
  const more = h('button', { type: 'button', class: 'link', id: 'search-more', hidden: true, onclick: () => run(query, cursor) }, 'More results');
  const element = h('section', { class: 'search-panel' }, status, list, more);
  let query = '';
  let cursor = null;

  function hit(x) {
    const m = x.message;
    const snippet = h('p', { class: 'snippet' });
    snippet.innerHTML = x.snippet;  // the server escapes the text and adds only <mark> elements
    return h('li', {}, h('button', { type: 'button', class: 'search-hit', dataset: { messageId: m.id }, onclick: () => open(x) },
      h('span', { class: 'search-hit-top' },
        h('strong', {}, x.conversation.name ?? 'Conversation'),
        h('span', {}, ` · ${m.sender?.name ?? m.sender?.username ?? ''}${m.threadId ? ' · in a thread' : ''}`),
        h('time', { datetime: m.createdAt }, shortTime(m.createdAt))),
      snippet));
  }

  function open(x) {
    const m = x.message;
    state.focus = { conversationId: m.conversationId, messageId: m.id, threadId: m.threadId ?? null, threadOnly: Boolean(m.threadId) && !m.seq };
    emit('navigate', m.conversationId);
    emit('focus');
  }

  async function run(text, after = null) {
    query = text;
    if (!after) { fill(list, []); status.textContent = 'Searching…'; }
    try {
      const page = await endpoints.searchMessages(text, after);
      if (query !== text) return;
      for (const x of page.hits) list.append(hit(x));
      cursor = page.nextCursor;
      more.hidden = !page.hasMore;
      status.textContent = list.children.length ? `Results for “${text}”` : `No messages match “${text}”.`;
    } catch (e) {
      status.textContent = e instanceof ApiError ? e.describe() : 'Search failed';
      toast('Search failed');
    }
  }

  return { element, run };
}
