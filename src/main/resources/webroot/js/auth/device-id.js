/**
 * The deviceId this tab presents to the server: `web-<install>-<tab>`.
 * The install part is stable in localStorage; the tab part lives in sessionStorage,
 * so a reload keeps its identity while two tabs count as two devices (each with its
 * own delivery, read state and typing), as the protocol expects.
 */
import { randomId } from '../core/random-id.js';

const INSTALL_KEY = 'parley.installId';
const TAB_KEY = 'parley.tabId';
const VALID = /^[a-zA-Z0-9_-]{1,64}$/;

function stored(storage, key, length) {
  let value = storage.getItem(key);
  if (!value || !VALID.test(value) || value.length !== length) {
    value = randomId(length);
    storage.setItem(key, value);
  }
  return value;
}

export function deviceId() {
  return `web-${stored(localStorage, INSTALL_KEY, 12)}-${stored(sessionStorage, TAB_KEY, 8)}`;
}
