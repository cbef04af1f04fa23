/**
 * DOM construction without HTML strings. Every piece of text goes through
 * textContent or text nodes and every attribute through setAttribute, so
 * user-supplied strings can never become markup.
 */

// Guards against a careless call site: these would reintroduce HTML parsing or
// inline code/styles that the Content-Security-Policy forbids anyway.
const FORBIDDEN_PROPS = new Set(['innerHTML', 'outerHTML', 'srcdoc']);
const FORBIDDEN_ATTR = /^(on|style$|srcdoc$)/i;

/**
 * Creates an element.
 * options: class (string or array, falsy entries skipped), text, testid,
 * attrs {name: value} (null/false skipped, true = empty), data {key: value},
 * props {property: value}, on {event: handler}.
 */
export function h(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  applyOptions(node, options);
  append(node, children);
  return node;
}

function applyOptions(node, options) {
  const { class: className, text, testid, attrs, data, props, on } = options;
  if (className) node.className = Array.isArray(className) ? className.filter(Boolean).join(' ') : className;
  if (text != null) node.textContent = String(text);
  if (testid) node.dataset.testid = testid;
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (FORBIDDEN_ATTR.test(name)) throw new Error(`refusing attribute ${name}`);
    if (value == null || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [key, value] of Object.entries(data ?? {})) {
    if (value != null) node.dataset[key] = String(value);
  }
  for (const [key, value] of Object.entries(props ?? {})) {
    if (FORBIDDEN_PROPS.has(key)) throw new Error(`refusing property ${key}`);
    node[key] = value;
  }
  for (const [event, handler] of Object.entries(on ?? {})) node.addEventListener(event, handler);
  return node;
}

/** Appends nodes and strings (as text nodes); null, undefined and false are skipped. */
export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child == null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}
