/**
 * Object URLs for uploads shown in one open conversation. Each upload (or its thumbnail) is
 * fetched once, with the token in the Authorization header (never in a URL), and kept as a
 * blob: URL while the conversation is on screen; dispose() revokes them all when it closes.
 * At most `limit` are kept: the least recently used is revoked first (a row that shows it again
 * fetches it again).
 */
const DEFAULT_LIMIT = 120;

export class AttachmentUrls {
  #fetchBlob;
  #limit;
  #urls = new Map(); // key -> Promise<string>, in use order (oldest first)
  #disposed = false;

  /** fetchBlob(id, {thumbnail}) -> Promise<Blob> (ChatSession.attachmentBlob). */
  constructor(fetchBlob, { limit = DEFAULT_LIMIT } = {}) {
    this.#fetchBlob = fetchBlob;
    this.#limit = limit;
  }

  /** Resolves with a blob: URL for the upload id (its thumbnail when thumbnail is true). */
  url(id, { thumbnail = false } = {}) {
    const key = `${thumbnail ? 't' : 'f'}:${id}`;
    let url = this.#urls.get(key);
    if (url) {
      this.#urls.delete(key);
      this.#urls.set(key, url);
      return url;
    }
    url = this.#fetchBlob(id, { thumbnail }).then((blob) => {
      const objectUrl = URL.createObjectURL(blob);
      // Closed (or evicted) while the bytes were on their way: nobody will show it.
      if (this.#disposed || this.#urls.get(key) !== url) URL.revokeObjectURL(objectUrl);
      return objectUrl;
    });
    url.catch(() => this.#urls.delete(key));
    this.#urls.set(key, url);
    this.#evict();
    return url;
  }

  /** A blob: URL of the full file that the caller owns (and revokes): full-size views, downloads. */
  async fetchFresh(id) {
    return URL.createObjectURL(await this.#fetchBlob(id, { thumbnail: false }));
  }

  dispose() {
    this.#disposed = true;
    for (const url of this.#urls.values()) revoke(url);
    this.#urls.clear();
  }

  #evict() {
    while (this.#urls.size > this.#limit) {
      const [oldest, url] = this.#urls.entries().next().value;
      this.#urls.delete(oldest);
      revoke(url);
    }
  }
}

function revoke(url) {
  url.then((objectUrl) => URL.revokeObjectURL(objectUrl), () => {});
}
