/**
 * Where the session token lives. By default in sessionStorage, so it dies with the
 * tab; with "keep me signed in" in localStorage, shared by the browser's tabs.
 */
const KEY = 'parley.session';

/** Returns {token, userId, expiresAt, remembered} or null when absent or expired. */
export function loadCredentials() {
  for (const [storage, remembered] of [[sessionStorage, false], [localStorage, true]]) {
    const credentials = read(storage);
    if (!credentials) continue;
    if (credentials.expiresAt && credentials.expiresAt <= Date.now()) {
      storage.removeItem(KEY);
      continue;
    }
    return { ...credentials, remembered };
  }
  return null;
}

export function saveCredentials({ token, userId, expiresAt }, { remember }) {
  clearCredentials();
  (remember ? localStorage : sessionStorage).setItem(KEY, JSON.stringify({ token, userId, expiresAt }));
}

export function clearCredentials() {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
}

function read(storage) {
  try {
    const value = JSON.parse(storage.getItem(KEY));
    return typeof value?.token === 'string' ? value : null;
  } catch {
    return null;
  }
}
