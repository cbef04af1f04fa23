/**
 * Reports the tab's foreground state to the server (`state`, PROTOCOL 3.1.5) so a hidden tab
 * counts as away and gets push notifications. A new connection starts active, so after each
 * (re)authentication a hidden tab says so again.
 */
export function reportVisibility(socket, doc = document) {
  const report = () => socket.command('state', { active: !doc.hidden }, { queue: false }).catch(() => null);
  doc.addEventListener('visibilitychange', report);
  const onAuthenticated = () => {
    if (doc.hidden) report();
  };
  const off = socket.on('authenticated', onAuthenticated);
  return () => {
    doc.removeEventListener('visibilitychange', report);
    off();
  };
}
