/**
 * What to tell a person when something fails. Always a sentence they can act on,
 * shown inline next to what they were doing, never an alert().
 */
const DEFAULT_TEXT = {
  UNAUTHENTICATED: 'Your session has ended. Please sign in again.',
  FORBIDDEN: "You don't have permission to do that.",
  NOT_FOUND: 'That no longer exists, or you are no longer a member.',
  BAD_REQUEST: "That didn't look right to the server.",
  TOO_LARGE: 'That message is too long. The limit is 4,000 characters.',
  EDIT_WINDOW_EXPIRED: 'Too late to edit: messages can only be edited for a while after sending.',
  CANCELLED: 'Cancelled.',
  RECALL_WINDOW_EXPIRED: 'Too late to recall: messages can only be recalled shortly after sending.',
  CONFLICT: 'That username is already taken.',
  UNAVAILABLE: 'The server is busy right now. Please try again in a moment.',
  INTERNAL: 'Something went wrong on our side. Please try again.',
  NETWORK: "Can't reach Parley. Check your connection and try again.",
  DISCONNECTED: 'The connection dropped before the server answered. Please try again.',
  TIMEOUT: 'The server is taking too long to answer. Please try again.',
};

function seconds(ms) {
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * error: a ParleyError (or anything thrown); overrides: {CODE: text} for the
 * context, e.g. UNAUTHENTICATED on the sign-in form means a wrong password.
 */
export function describeError(error, overrides = {}) {
  const code = error?.code;
  if (code in overrides) return overrides[code];
  if (code === 'RATE_LIMITED') {
    return error.retryAfterMs
      ? `You're going a bit fast. Try again in ${seconds(error.retryAfterMs)} s.`
      : "You're going a bit fast. Try again in a moment.";
  }
  if (code === 'BAD_REQUEST' && error.message && error.message !== code) return error.message;
  return DEFAULT_TEXT[code] ?? DEFAULT_TEXT.INTERNAL;
}
