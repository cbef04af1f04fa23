/**
 * The connection state, always visible in the sidebar header. While not connected it
 * is a button: pressing it skips the rest of the backoff and tries at once.
 */
import { h } from '../core/dom.js';

const LABELS = { connected: 'Connected', offline: 'Offline' };

export function createConnectionIndicator(session) {
  const label = h('span', { class: 'connection-label' });
  const element = h('button', {
    class: 'connection-state',
    testid: 'connection-state',
    attrs: { type: 'button', 'aria-live': 'polite' },
    on: { click: () => session.reconnectNow() },
  }, [h('span', { class: 'connection-dot', attrs: { 'aria-hidden': 'true' } }), label]);
  // The node that serves this tab, from its auth ack: for support, and for tests that stop it.
  session.socket.on('authenticated', (ack) => { element.dataset.node = ack.node ?? ''; });

  function update() {
    const state = session.store.connection;
    const text = LABELS[state] ?? (session.socket.hasConnectedBefore ? 'Reconnecting…' : 'Connecting…');
    element.dataset.state = state;
    label.textContent = text;
    element.disabled = state === 'connected';
    element.title = state === 'connected' ? 'Connected to Parley' : 'Not connected. Click to retry now.';
  }

  update();
  return { element, update };
}
