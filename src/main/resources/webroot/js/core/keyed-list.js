/**
 * Keeps a container's children in step with a list of items, the way a virtual DOM
 * would but without one: each item has a key and a signature (a string of everything
 * its rendering depends on). A child is re-rendered only when its signature changes,
 * so focus, hover and scroll anchors survive unrelated updates.
 */
const rendered = new WeakMap(); // node -> { key, signature }

export class KeyedList {
  #container;
  #byKey = new Map();

  constructor(container) {
    this.#container = container;
  }

  /** The key a node was rendered for, if it is one of ours. */
  keyOf(node) {
    return rendered.get(node)?.key ?? null;
  }

  /** The node currently rendered for `key`, if any. */
  nodeFor(key) {
    return this.#byKey.get(key) ?? null;
  }

  /**
   * items: array; key(item) -> string; signature(item) -> string; render(item) -> Node.
   */
  update(items, { key, signature, render }) {
    const next = new Map();
    let refocus = null;
    for (const item of items) {
      const k = key(item);
      const sig = signature(item);
      let node = this.#byKey.get(k);
      if (!node || rendered.get(node).signature !== sig) {
        const fresh = render(item);
        rendered.set(fresh, { key: k, signature: sig });
        if (node?.contains(document.activeElement)) refocus = fresh;
        if (node) node.replaceWith(fresh);
        node = fresh;
      }
      next.set(k, node);
    }
    for (const [k, node] of this.#byKey) {
      if (!next.has(k)) node.remove();
    }
    // Move only the nodes that are out of place: moving a node blurs it.
    let cursor = this.#container.firstChild;
    for (const node of next.values()) {
      if (node === cursor) cursor = cursor.nextSibling;
      else this.#container.insertBefore(node, cursor);
    }
    this.#byKey = next;
    if (refocus && refocus.tabIndex >= 0) refocus.focus({ preventScroll: true });
  }
}
