/**
 * Entry point: the sign-in screen when there is no valid session, the chat otherwise,
 * and back to sign-in when the session ends (signed out, or the token stopped working).
 */
import { clearCredentials, loadCredentials } from './auth/credentials.js';
import { deviceId } from './auth/device-id.js';
import { ChatSession } from './app/chat-session.js';
import { PushNotifications } from './app/push.js';
import { reportVisibility } from './app/visibility-state.js';
import { createPushControl } from './ui/push-control.js';
import { createAuthView } from './ui/auth-view.js';
import { createChatShell } from './ui/chat-shell.js';
import { TabBadge } from './ui/tab-badge.js';

const root = document.getElementById('app');
const tabBadge = new TabBadge();

const END_NOTICES = {
  expired: 'Your session has ended. Please sign in again.',
  'signed-out-elsewhere': 'You were signed out: from another device, or because your password was changed. Sign in again to continue.',
};

function showSignIn(notice = null) {
  tabBadge.reset();
  root.replaceChildren(createAuthView({ deviceId: deviceId(), onSignedIn: showChat, notice }));
  root.querySelector('input')?.focus();
}

function showChat(credentials) {
  const session = new ChatSession({ credentials, deviceId: deviceId() });
  const shell = createChatShell(session);
  const push = new PushNotifications({ token: credentials.token });
  shell.element.querySelector('.sidebar-actions')?.append(createPushControl(push));
  if (PushNotifications.supported) PushNotifications.register().catch(() => null);
  const stopReporting = reportVisibility(session.socket);
  session.store.on('change', () => tabBadge.show(session.store.totalUnread));
  session.on('ended', ({ reason }) => {
    stopReporting();
    push.disable().catch(() => null);
    shell.dispose();
    clearCredentials();
    history.replaceState(null, '', window.location.pathname + window.location.search);
    showSignIn(END_NOTICES[reason] ?? null);
  });
  root.replaceChildren(shell.element);
  session.start();
}

const credentials = loadCredentials();
if (credentials) showChat(credentials);
else showSignIn();
