/**
 * Random identifiers from the URL-safe alphabet the protocol allows for deviceId and
 * clientMsgId ([a-zA-Z0-9_-]). crypto.getRandomValues works on plain http too, unlike
 * crypto.randomUUID, which only exists in secure contexts.
 */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
// Bytes at or above 248 (= 4 * 62) are dropped so every character is equally likely.
const UNBIASED_LIMIT = 248;

export function randomId(length = 16) {
  let id = '';
  while (id.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length))) {
      if (byte < UNBIASED_LIMIT && id.length < length) id += ALPHABET[byte % ALPHABET.length];
    }
  }
  return id;
}
