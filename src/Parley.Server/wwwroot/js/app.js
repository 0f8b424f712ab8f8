// Start-up and navigation: sign-in screen or the chat shell, the gateway, and #/c/<id> routes.
import { endpoints, session, setUnauthorizedHandler, ApiError } from './api.js';
import { Gateway } from './gateway.js';
import { state, emit, reset, applyEvent } from './store.js';
import * as actions from './actions.js';
import { initMarks, applyMarkEvent, keepMine } from './marks.js';
import { applyThreadEvent, replies } from './replies.js';
import { fill } from './dom.js';
import { renderLogin } from './views/login.js';
import { startPush, stopPush } from './push.js';
import { createShell } from './views/shell.js';

const root = document.getElementById('app');
let gateway = null;
let shell = null;

function toast(text) {
  const el = document.getElementById('toast');
  el.textContent = text;
  el.classList.add('visible');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove('visible'), 4000);
}

async function signOut({ sessionEnded = false } = {}) {
  if (!sessionEnded && session.token()) endpoints.endFileSession().catch(() => {});
  await stopPush({ tellServer: !sessionEnded });
  gateway?.stop();
  gateway = null;
  session.clear();
  reset();
  replies.clear();
  shell = null;
  if (location.hash) history.replaceState(null, '', location.pathname);
  showLogin();
}

function showLogin() {
  fill(root, renderLogin(async auth => {
    session.set({ token: auth.token, user: auth.user });
    await start(auth.user);
  }));
}

async function start(user) {
  state.me = user;
  // Before anything renders a file from an event; offline it is set again by the next start.
  await endpoints.fileSession().catch(() => {});
  gateway = new Gateway(() => session.token(), {
    onEvent: (type, data) => {
      keepMine(type, data);
      if (!applyMarkEvent(type, data)) applyEvent(type, data, actions.refreshConversation);
      applyThreadEvent(type, data);
    },
    onStatus: status => {
      state.connection = status;
      if (status === 'online') state.everOnline = true;
      emit('connection');
      if (status === 'online' && state.stale) { state.stale = false; actions.catchUp(false); }
    },
    onReconnected: resumed => actions.catchUp(resumed),
    onCheckAuth: () => endpoints.me().catch(() => {}),
  });
  actions.useGateway(gateway);
  gateway.start();
  await startPush();
  initMarks();
  shell = createShell({ signOut, toast });
  fill(root, shell.element);
  // Live first, then the snapshot: an event that lands in between is applied once either way (ids, seqs).
  await gateway.ready();
  const loaded = await Promise.allSettled([actions.loadConversations(), actions.loadNotifications()]);
  state.stale = loaded.some(r => r.status === 'rejected');
  route();
}

function route() {
  if (!shell) return;
  const match = /^#\/c\/(.+)$/.exec(location.hash);
  shell.open(match ? decodeURIComponent(match[1]) : null);
}

window.addEventListener('hashchange', route);
setUnauthorizedHandler(() => { toast('Your session has ended. Please sign in again.'); signOut({ sessionEnded: true }); });

(async function boot() {
  const saved = session.get();
  if (!saved?.token) return showLogin();
  try {
    const me = await endpoints.me();
    session.set({ ...saved, user: me });
    await start(me);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;  // the unauthorized handler shows the sign-in screen
    if (e instanceof ApiError && e.status === 0) {
      // Server unreachable right now: start with what we know; the gateway keeps trying and catches up.
      await start(saved.user);
      return;
    }
    signOut();
  }
})();
