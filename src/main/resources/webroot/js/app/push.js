/**
 * Web Push for this tab's session: registers the service worker, asks the browser for a
 * subscription with the server's VAPID key and registers it with the server
 * (POST /api/v1/push/subscriptions). Permission is asked only from enable(), which the
 * "Enable notifications" control calls on a click. The server deletes the subscription
 * when this session signs out; disable() also drops the browser's side.
 */
const API = '/api/v1';

export class PushNotifications {
  #token;

  constructor({ token }) {
    this.#token = token;
  }

  static get supported() {
    return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
  }

  /** 'granted', 'denied' or 'default' (not asked yet). */
  static get permission() {
    return PushNotifications.supported ? Notification.permission : 'denied';
  }

  /** The worker shows notifications even before a subscription exists (and for tests). */
  static register() {
    return navigator.serviceWorker.register('/sw.js', { scope: '/' });
  }

  /** Asks permission (only from a click), subscribes and tells the server. Resolves true when on. */
  async enable() {
    if (!PushNotifications.supported) return false;
    const permission = await Notification.requestPermission();
    if (permission !== 'granted') return false;
    const registration = await PushNotifications.register();
    await navigator.serviceWorker.ready;
    const key = await this.#call('GET', '/push/vapid-public-key');
    const subscription = await registration.pushManager.getSubscription()
      ?? await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: decode(key.key) });
    await this.#call('POST', '/push/subscriptions', subscription.toJSON());
    return true;
  }

  /** On sign-out: the browser forgets the subscription too (the server already dropped it). */
  async disable() {
    if (!PushNotifications.supported) return;
    const registration = await navigator.serviceWorker.getRegistration('/');
    const subscription = await registration?.pushManager.getSubscription();
    await subscription?.unsubscribe();
  }

  async #call(method, path, body) {
    const response = await fetch(API + path, {
      method,
      headers: { Authorization: `Bearer ${this.#token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new Error(`push setup failed (${response.status})`);
    return response.status === 204 ? null : response.json();
  }
}

function decode(base64url) {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}
