// Opening a search hit: scroll the conversation to the message (loading older history until it is there),
// or open its thread pane at the reply when it lives only in a thread.
import { state, emit, thread } from '../store.js';
import * as actions from '../actions.js';

export async function jumpToFocus(id, { list, render, unstick }) {
  const f = state.focus;
  if (!id || !f || f.conversationId !== id) return;
  state.focus = null;
  if (f.threadOnly) { emit('open-thread', { cid: id, rootId: f.threadId, focusId: f.messageId }); return; }
  const t = thread(id);
  for (let round = 0; round < 100 && !t.byId.has(f.messageId) && t.hasMore; round++) if (!await actions.loadOlder(id)) break;
  unstick();
  render();
  const el = list.querySelector(`[data-id="${CSS.escape(f.messageId)}"]`);
  if (!el) return;
  el.scrollIntoView({ block: 'center' });
  el.classList.add('flash');
}
