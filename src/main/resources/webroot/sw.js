/**
 * The service worker: shows Parley's push notifications (PROTOCOL 3.5). One notification per
 * conversation (tag = conv-<id>): a later message replaces it, a recall replaces it with a
 * placeholder (the payload never carries withdrawn text), a read closes it. Clicking one opens
 * the conversation in an existing tab, or a new one.
 */
const tagOf = (conversationId) => `conv-${conversationId}`;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let payload;
  try {
    payload = event.data ? event.data.json() : null;
  } catch {
    payload = null;
  }
  if (!payload || payload.conversationId == null) return;
  event.waitUntil(show(payload));
});

async function show(payload) {
  const tag = tagOf(payload.conversationId);
  if (payload.kind === 'read') {
    const open = await self.registration.getNotifications({ tag });
    open.forEach((notification) => notification.close());
    return;
  }
  const body = payload.kind === 'recall'
    ? 'A message was withdrawn'
    : (payload.preview ?? (payload.unread > 1 ? `${payload.unread} new messages` : 'New message'));
  await self.registration.showNotification(payload.title || 'Parley', {
    body,
    tag,
    renotify: payload.kind === 'message',
    silent: payload.kind !== 'message',
    timestamp: payload.ts,
    data: { conversationId: payload.conversationId, kind: payload.kind, seq: payload.seq },
  });
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = `/#/c/${event.notification.data?.conversationId ?? ''}`;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const existing = windows.find((client) => new URL(client.url).origin === self.location.origin);
    if (existing) {
      await existing.navigate(target).catch(() => null);
      return existing.focus();
    }
    return self.clients.openWindow(target);
  })());
});
