// The service worker: shows the server's Web Push messages as notifications, and a click opens the conversation.
self.addEventListener('push', event => {
  let push = {};
  try { push = event.data ? event.data.json() : {}; } catch { push = { body: event.data?.text() ?? '' }; }
  const title = push.title || 'Parley';
  event.waitUntil(self.registration.showNotification(title, {
    body: push.body || 'New message',
    tag: push.conversationId || 'parley',
    renotify: Boolean(push.conversationId),
    icon: '/favicon.svg',
    data: { url: push.url || '/' },
  }));
});

self.addEventListener('notificationclick', event => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || '/', self.location.origin).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find(w => new URL(w.url).origin === self.location.origin);
    if (open) {
      await open.focus();
      return open.navigate(url);
    }
    return self.clients.openWindow(url);
  })());
});
