/**
 * The "Enable notifications" control: asks the browser's permission only when clicked, then
 * subscribes. Hidden where the browser has no Web Push; disabled once on or denied.
 */
import { h } from '../core/dom.js';
import { PushNotifications } from '../app/push.js';

export function createPushControl(push) {
  const label = h('span', { text: 'Enable notifications' });
  const button = h('button', {
    class: 'button button-ghost button-small push-control',
    testid: 'enable-notifications',
    attrs: { type: 'button', title: 'Get a notification when a message arrives while you are away' },
  }, [label]);
  const show = (text, disabled) => {
    label.textContent = text;
    button.disabled = disabled;
  };
  if (!PushNotifications.supported) {
    button.hidden = true;
  } else if (PushNotifications.permission === 'denied') {
    show('Notifications blocked', true);
  }
  button.addEventListener('click', async () => {
    show('Enabling…', true);
    try {
      show((await push.enable()) ? 'Notifications on' : 'Notifications blocked', true);
    } catch {
      show('Enable notifications', false);
    }
  });
  return button;
}
