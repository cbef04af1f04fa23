/**
 * Profile and devices: change the display name (others see it live through the `user`
 * event), the list of signed-in devices from GET /sessions with "Sign out" for each
 * other one and "Sign out everywhere else", and the password (a change signs out every
 * other session).
 */
import { describeError } from '../api/error-text.js';
import { h } from '../core/dom.js';
import { icon } from '../core/icons.js';
import { codePointLength, formatFull, formatLastSeen, formatListStamp } from '../core/format.js';
import { confirmDialog, openModal } from './modal.js';
import { createNoticeArea } from './notice-area.js';
import { clearFieldErrors, showFieldError } from './field-error.js';

const MAX_DISPLAY_NAME = 64;

export function openProfileDialog(session) {
  const { store } = session;
  const listeners = new AbortController();
  const notices = createNoticeArea({ className: 'dialog-notices' });

  // ---- display name ----
  const displayName = h('input', {
    class: 'input',
    testid: 'profile-displayname',
    attrs: { type: 'text', maxlength: 200, autocomplete: 'name', dir: 'auto' },
    props: { value: store.me.displayName ?? '' },
  });
  const nameForm = h('form', { class: 'stack', attrs: { novalidate: true } }, [
    h('label', { class: 'field' }, [
      h('span', { class: 'field-label', text: 'Display name' }),
      h('span', { class: 'inline-form' }, [
        displayName,
        h('button', { class: 'button button-secondary', testid: 'profile-save', text: 'Save', attrs: { type: 'submit' } }),
      ]),
      h('span', { class: 'field-hint', text: store.me.username ? `Others find you as @${store.me.username}.` : '' }),
    ]),
  ]);
  nameForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(nameForm);
    const name = displayName.value.trim();
    if (!name || codePointLength(name) > MAX_DISPLAY_NAME) {
      showFieldError(displayName, 'Display names are 1–64 characters.');
      return;
    }
    if (name === store.me.displayName) return;
    try {
      await session.updateProfile(name);
      notices.show('Your name was changed.', { tone: 'info', timeoutMs: 4000 });
    } catch (error) {
      showFieldError(displayName, describeError(error));
    }
  });

  // ---- password ----
  const current = passwordInput('password-current', 'current-password');
  const next = passwordInput('password-new', 'new-password');
  const passwordForm = h('form', { class: 'stack', attrs: { novalidate: true } }, [
    h('label', { class: 'field' }, [h('span', { class: 'field-label', text: 'Current password' }), current]),
    h('label', { class: 'field' }, [
      h('span', { class: 'field-label', text: 'New password' }),
      next,
      h('span', { class: 'field-hint', text: 'At least 8 characters. Your other devices will be signed out.' }),
    ]),
    h('div', {}, [h('button', { class: 'button button-secondary', testid: 'password-save', text: 'Change password', attrs: { type: 'submit' } })]),
  ]);
  passwordForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(passwordForm);
    if (!current.value) return showFieldError(current, 'Enter your current password.');
    if (next.value.length < 8 || next.value.length > 128) return showFieldError(next, 'Passwords are 8–128 characters.');
    try {
      await session.changePassword(current.value, next.value);
      current.value = '';
      next.value = '';
      notices.show('Password changed. Your other devices were signed out.', { tone: 'info', timeoutMs: 6000 });
      loadDevices();
    } catch (error) {
      if (error.code === 'FORBIDDEN') showFieldError(current, 'That is not your current password.');
      else if (error.code === 'BAD_REQUEST') showFieldError(next, describeError(error));
      else notices.show(describeError(error));
    }
  });

  // ---- devices ----
  const deviceList = h('ul', { class: 'device-list', testid: 'device-list', attrs: { 'aria-label': 'Signed-in devices' } });
  const othersButton = h('button', {
    class: 'button button-danger-ghost',
    testid: 'signout-others',
    attrs: { type: 'button' },
    props: { hidden: true },
    on: { click: () => signOutOthers() },
  }, [icon('logout', { size: 18 }), h('span', { text: 'Sign out everywhere else' })]);
  const deviceStatus = h('p', { class: 'field-hint', attrs: { 'aria-live': 'polite' } });

  function status(text) {
    deviceStatus.textContent = text;
    deviceStatus.hidden = !text;
  }

  async function loadDevices() {
    status(deviceList.childElementCount ? '' : 'Loading devices…');
    try {
      const sessions = await session.devices();
      if (listeners.signal.aborted) return;
      status('');
      // This device first, then the others newest first (the server's order).
      const ordered = [...sessions.filter((entry) => entry.current), ...sessions.filter((entry) => !entry.current)];
      deviceList.replaceChildren(...ordered.map(deviceRow));
      othersButton.hidden = !sessions.some((entry) => !entry.current);
    } catch (error) {
      status(describeError(error));
    }
  }

  function deviceRow(entry) {
    const active = entry.current ? 'Active now' : formatLastSeen(entry.lastActiveAt).replace('Last seen', 'Active');
    return h('li', { class: 'device-item', testid: 'device-item', data: { sessionId: entry.sessionId, deviceId: entry.deviceId, current: String(Boolean(entry.current)) } }, [
      h('span', { class: 'device-icon', attrs: { 'aria-hidden': 'true' } }, [icon((entry.deviceId ?? '').startsWith('web-') ? 'monitor' : 'phone', { size: 18 })]),
      h('span', { class: 'device-names' }, [
        h('span', { class: 'device-name', text: deviceLabel(entry) }),
        h('span', {
          class: 'device-detail',
          text: `Signed in ${formatListStamp(entry.createdAt)} · ${active}`,
          attrs: { title: `Signed in ${formatFull(entry.createdAt)}` },
        }),
      ]),
      entry.current
        ? h('span', { class: 'role-badge', text: 'This device' })
        : h('button', {
          class: 'button button-small button-ghost',
          testid: 'device-signout',
          text: 'Sign out',
          attrs: { type: 'button', 'aria-label': `Sign out ${deviceLabel(entry)}` },
          on: { click: (event) => signOutDevice(entry, event.currentTarget) },
        }),
    ]);
  }

  async function signOutDevice(entry, button) {
    button.disabled = true;
    try {
      await session.signOutDevice(entry.sessionId);
      notices.show(`${deviceLabel(entry)} was signed out.`, { tone: 'info', timeoutMs: 4000 });
    } catch (error) {
      if (error.code !== 'NOT_FOUND') notices.show(describeError(error));
    }
    loadDevices();
  }

  async function signOutOthers() {
    const confirmed = await confirmDialog({
      title: 'Sign out everywhere else?',
      message: 'Every other browser and app signed in to your account will be signed out. This one stays signed in.',
      confirmLabel: 'Sign out others',
      danger: true,
      testid: 'confirm-signout-others',
    });
    if (!confirmed) return;
    try {
      await session.signOutOtherDevices();
      notices.show('Your other devices were signed out.', { tone: 'info', timeoutMs: 4000 });
    } catch (error) {
      notices.show(describeError(error));
    }
    loadDevices();
  }

  const modal = openModal({
    title: 'Profile and devices',
    className: 'modal-details modal-profile',
    body: [
      notices.element,
      h('section', { class: 'stack' }, [h('p', { class: 'section-label', text: 'Profile' }), nameForm]),
      h('section', { class: 'stack', testid: 'devices-section' }, [h('p', { class: 'section-label', text: 'Devices' }), deviceStatus, deviceList, h('div', {}, [othersButton])]),
      h('section', { class: 'stack' }, [h('p', { class: 'section-label', text: 'Password' }), passwordForm]),
    ],
    onClose: () => listeners.abort(),
  });
  modal.dialog.dataset.testid = 'profile-dialog';
  // A name changed on another device shows here too, unless it is being edited.
  store.on('change', () => {
    if (document.activeElement !== displayName && !displayName.hasAttribute('aria-invalid')) displayName.value = store.me.displayName ?? '';
  }, { signal: listeners.signal });
  loadDevices();
  displayName.focus();
}

function passwordInput(testid, autocomplete) {
  return h('input', { class: 'input', testid, attrs: { type: 'password', autocomplete, maxlength: 128 } });
}

/** Web sessions name themselves web-<install>-<tab>; other clients pick their own deviceId. */
function deviceLabel(entry) {
  const id = entry.deviceId ?? '';
  if (entry.current) return 'This browser';
  if (id.startsWith('web-')) return `Web browser (${id.slice(4, 8)})`;
  return id || 'App without a device name';
}
