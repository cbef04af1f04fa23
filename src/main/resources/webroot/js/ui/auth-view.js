/**
 * Sign in and registration. On success the credentials are stored (per tab, or
 * across tabs with "Keep me signed in") and onSignedIn(credentials) takes over.
 * A mistake is shown at the field at fault; what no field caused (the server
 * unreachable, too many failed sign-ins) in the box above the button.
 */
import { ParleyApi } from '../api/parley-api.js';
import { describeError } from '../api/error-text.js';
import { saveCredentials } from '../auth/credentials.js';
import { h } from '../core/dom.js';
import { icon } from '../core/icons.js';
import { codePointLength } from '../core/format.js';
import { clearFieldErrors, showFieldError } from './field-error.js';

const USERNAME = /^[a-zA-Z0-9_.-]{3,32}$/;

/** notice: an optional sentence to show first, e.g. why the last session ended. */
export function createAuthView({ deviceId, onSignedIn, notice = null }) {
  const api = new ParleyApi();
  const card = h('div', { class: 'auth-card' });
  const screen = h('main', { class: 'auth-screen' }, [card]);
  let mode = 'login';

  function render(focusFirst) {
    const form = mode === 'login' ? loginForm() : registerForm();
    card.replaceChildren(brand(), form);
    if (notice) {
      showError(form, notice, 'info');
      notice = null;
    }
    if (focusFirst) form.querySelector('input')?.focus();
  }

  function switchTo(next) {
    mode = next;
    render(true);
  }

  function loginForm() {
    const username = input({ testid: 'login-username', autocomplete: 'username', name: 'username' });
    const password = input({ testid: 'login-password', type: 'password', autocomplete: 'current-password', name: 'password' });
    const remember = checkbox('login-remember');
    const form = h('form', { class: 'auth-form', attrs: { novalidate: true, 'aria-labelledby': 'auth-heading' } }, [
      h('h2', { class: 'auth-heading', text: 'Sign in', attrs: { id: 'auth-heading' } }),
      field('Username', username),
      field('Password', password),
      rememberField(remember),
      errorBox(),
      submitButton('login-submit', 'Sign in'),
      h('p', { class: 'auth-switch' }, [
        'New to Parley? ',
        linkButton('show-register', 'Create an account', () => switchTo('register')),
      ]),
    ]);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearFieldErrors(form);
      showError(form, null);
      if (!username.value.trim()) return showFieldError(username, 'Enter your username.');
      if (!password.value) return showFieldError(password, 'Enter your password.');
      await submitting(form, 'Signing in…', () => signIn(username.value.trim(), password.value, remember.checked), (error) => {
        if (error.code === 'UNAUTHENTICATED') {
          password.value = '';
          return showFieldError(password, 'Wrong username or password.');
        }
        // The login throttle (docs/protocol.md): failed sign-ins, not typing speed.
        if (error.code === 'RATE_LIMITED') {
          const wait = error.retryAfterMs ? `try again in ${formatWait(error.retryAfterMs)}` : 'try again in a few minutes';
          return showError(form, `Too many failed sign-ins for this account. Please wait and ${wait}.`);
        }
        return showError(form, describeError(error));
      });
    });
    return form;
  }

  function registerForm() {
    const username = input({ testid: 'register-username', autocomplete: 'username', name: 'username', maxlength: 32 });
    const displayName = input({ testid: 'register-displayname', autocomplete: 'name', name: 'displayName', placeholder: 'How others see you' });
    const password = input({ testid: 'register-password', type: 'password', autocomplete: 'new-password', name: 'password', maxlength: 128 });
    const remember = checkbox('register-remember');
    const form = h('form', { class: 'auth-form', attrs: { novalidate: true, 'aria-labelledby': 'auth-heading' } }, [
      h('h2', { class: 'auth-heading', text: 'Create your account', attrs: { id: 'auth-heading' } }),
      field('Username', username, '3–32 letters, digits, dots, dashes or underscores'),
      field('Display name', displayName, 'Optional. Defaults to your username.'),
      field('Password', password, 'At least 8 characters'),
      rememberField(remember),
      errorBox(),
      submitButton('register-submit', 'Create account'),
      h('p', { class: 'auth-switch' }, [
        'Already have an account? ',
        linkButton('show-login', 'Sign in', () => switchTo('login')),
      ]),
    ]);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const name = username.value.trim();
      const shownName = displayName.value.trim();
      clearFieldErrors(form);
      showError(form, null);
      if (!USERNAME.test(name)) return showFieldError(username, 'Usernames are 3–32 characters: letters, digits, dots, dashes or underscores.');
      if (codePointLength(shownName) > 64) return showFieldError(displayName, 'Display names are at most 64 characters.');
      if (password.value.length < 8 || password.value.length > 128) return showFieldError(password, 'Passwords are 8–128 characters.');
      let registered = false;
      await submitting(form, 'Creating account…', async () => {
        await api.register({ username: name, password: password.value, displayName: shownName || undefined });
        registered = true;
        await signIn(name, password.value, remember.checked);
      }, (error) => {
        if (error.code === 'CONFLICT') return showFieldError(username, 'That username is taken. Try another one.');
        if (error.code === 'BAD_REQUEST' && !registered) {
          // The server's message names the field it refused.
          const text = describeError(error);
          const field = /display/i.test(text) ? displayName : /password/i.test(text) ? password : username;
          return showFieldError(field, text);
        }
        return showError(form, describeError(error));
      });
    });
    return form;
  }

  async function signIn(username, password, remember) {
    const session = await api.signIn({ username, password, deviceId });
    saveCredentials(session, { remember });
    onSignedIn({ ...session, remembered: remember });
  }

  render(false);
  return screen;
}

/** onError(error) shows what went wrong, at a field or in the form's box. */
async function submitting(form, busyLabel, action, onError) {
  const button = form.querySelector('button[type="submit"]');
  const label = button.textContent;
  button.disabled = true;
  button.textContent = busyLabel;
  showError(form, null);
  try {
    await action();
  } catch (error) {
    button.disabled = false;
    button.textContent = label;
    onError(error);
  }
}

/** tone 'error' (role alert) or 'info' (why the last session ended). */
function showError(form, text, tone = 'error') {
  const box = form.querySelector('.auth-error');
  box.textContent = text ?? '';
  box.hidden = !text;
  box.classList.toggle('auth-info', tone === 'info');
}

/** "49 s", "3 min". */
function formatWait(ms) {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

function brand() {
  return h('header', { class: 'auth-brand' }, [
    h('span', { class: 'brand-mark' }, [icon('chat', { size: 28 })]),
    h('h1', { class: 'brand-name', text: 'Parley' }),
    h('p', { class: 'brand-tagline', text: 'Conversations that keep up with you.' }),
  ]);
}

function input({ testid, type = 'text', autocomplete, name, placeholder, maxlength }) {
  return h('input', {
    class: 'input',
    testid,
    attrs: {
      type,
      name,
      autocomplete,
      placeholder,
      maxlength,
      autocapitalize: type === 'text' && name !== 'displayName' ? 'none' : null,
      spellcheck: 'false',
      required: name !== 'displayName',
    },
  });
}

function field(label, control, hint) {
  return h('label', { class: 'field' }, [
    h('span', { class: 'field-label', text: label }),
    control,
    hint ? h('span', { class: 'field-hint', text: hint }) : null,
  ]);
}

function checkbox(testid) {
  return h('input', { testid, attrs: { type: 'checkbox', name: 'remember' } });
}

function rememberField(box) {
  return h('label', { class: 'checkbox-field' }, [box, h('span', { text: 'Keep me signed in on this browser' })]);
}

function errorBox() {
  return h('p', { class: 'auth-error', testid: 'auth-error', attrs: { role: 'alert' }, props: { hidden: true } });
}

function submitButton(testid, label) {
  return h('button', { class: 'button button-primary button-block', testid, text: label, attrs: { type: 'submit' } });
}

function linkButton(testid, label, onClick) {
  return h('button', { class: 'link-button', testid, text: label, attrs: { type: 'button' }, on: { click: onClick } });
}
