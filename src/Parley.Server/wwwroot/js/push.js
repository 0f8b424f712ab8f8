// Web Push: the service worker, and a switch that subscribes this browser to the server's pushes (or stops them).
import { endpoints } from './api.js';
import { h } from './dom.js';

const supported = 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
let registration = null;

/** Registers the service worker once signed in, so pushes can be shown while the tab is closed. */
export async function startPush() {
  if (!supported) return null;
  try {
    registration = await navigator.serviceWorker.register('/sw.js');
  } catch {
    registration = null;
  }
  return registration;
}

/**
 * On sign-out: this browser stops getting the user's pushes. The server forgets the subscription too, unless the
 * session has already ended (its token no longer works; the push service then tells the server the endpoint is gone).
 */
export async function stopPush({ tellServer = true } = {}) {
  const subscription = await registration?.pushManager.getSubscription().catch(() => null);
  if (!subscription) return;
  if (tellServer) await endpoints.pushUnsubscribe(subscription.endpoint).catch(() => {});
  await subscription.unsubscribe().catch(() => {});
}

function base64UrlToBytes(text) {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - text.length % 4) % 4);
  return Uint8Array.from(atob(padded), c => c.charCodeAt(0));
}

async function subscribe() {
  if (await Notification.requestPermission() !== 'granted') throw new Error('Notifications are blocked for this site in the browser settings.');
  const ready = registration ?? await navigator.serviceWorker.ready;
  const { publicKey } = await endpoints.pushKey();
  const subscription = await ready.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(publicKey) });
  await endpoints.pushSubscribe(subscription.toJSON());
}

/** "Notifications on/off" for the sidebar; hidden where the browser has no Web Push. */
export function pushToggle(toast) {
  const button = h('button', { type: 'button', class: 'secondary small', id: 'push-toggle', 'aria-pressed': 'false', hidden: !supported },
    'Notifications off');
  const show = on => {
    button.textContent = on ? 'Notifications on' : 'Notifications off';
    button.setAttribute('aria-pressed', String(on));
  };
  (async () => show(Boolean(await registration?.pushManager.getSubscription().catch(() => null))))();
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      if (button.getAttribute('aria-pressed') === 'true') {
        await stopPush();
        show(false);
      } else {
        await subscribe();
        show(true);
        toast('You will be notified of new messages while Parley is closed.');
      }
    } catch (error) {
      toast(error?.message ? `Notifications could not be turned on: ${error.message}` : 'Notifications could not be turned on.');
    } finally {
      button.disabled = false;
    }
  });
  return button;
}
