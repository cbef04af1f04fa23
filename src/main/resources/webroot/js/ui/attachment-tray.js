/**
 * Files picked for the next message (the attach button, drag and drop, paste): each uploads at
 * once with its progress shown, can be removed (which cancels its upload), and is sent as an
 * attachment id with the message. At most MAX_ATTACHMENTS per message.
 */
import { describeError } from '../api/error-text.js';
import { h } from '../core/dom.js';
import { icon } from '../core/icons.js';
import { MAX_ATTACHMENTS } from '../app/outbox.js';
import { formatSize } from './attachment-view.js';

// Uploads in flight at once: the server takes a few per user per node (uploads.perUser, default 4).
const PARALLEL_UPLOADS = 3;
// A refused upload (429: the server's per-user or per-node slots are taken) waits and goes again.
const MAX_RATE_LIMIT_WAITS = 10;
const DEFAULT_RETRY_AFTER_MS = 1000;

/** upload(file, {onProgress, signal}) -> Promise<attachment>; onChange() after every change; notify(text). */
export function createAttachmentTray({ upload, onChange, notify }) {
  const element = h('ul', { class: 'attachment-tray', testid: 'attachment-tray', attrs: { 'aria-label': 'Attachments' }, props: { hidden: true } });
  let items = []; // {file, progress, attachment, error, controller, node, bar, previewUrl}
  let running = 0;

  function add(files) {
    for (const file of files) {
      if (items.length >= MAX_ATTACHMENTS) {
        notify(`At most ${MAX_ATTACHMENTS} files per message.`);
        break;
      }
      const item = { file, progress: 0, attachment: null, error: null, controller: new AbortController() };
      items.push(item);
      renderItem(item);
      element.append(item.node);
    }
    pump();
    element.hidden = items.length === 0;
    onChange();
  }

  /** Starts queued uploads while fewer than PARALLEL_UPLOADS run. */
  function pump() {
    for (const item of items) {
      if (running >= PARALLEL_UPLOADS) return;
      if (item.started) continue;
      item.started = true;
      running += 1;
      send(item).finally(() => {
        running -= 1;
        pump();
      });
    }
  }

  async function send(item) {
    for (let waits = 0; ; waits += 1) {
      try {
        item.attachment = await upload(item.file, { onProgress: (fraction) => setProgress(item, fraction), signal: item.controller.signal });
        setProgress(item, 1);
        item.node.dataset.state = 'done';
        onChange();
        return;
      } catch (error) {
        if (!items.includes(item)) return; // removed: the abort is no failure
        if (error.code === 'RATE_LIMITED' && waits < MAX_RATE_LIMIT_WAITS) {
          await new Promise((resolve) => setTimeout(resolve, error.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS));
          if (!items.includes(item)) return;
          continue;
        }
        item.error = error;
        item.node.dataset.state = 'failed';
        item.status.textContent = describeError(error, { TOO_LARGE: 'Too large to upload.', BAD_REQUEST: 'This file can’t be sent.' });
        onChange();
        return;
      }
    }
  }

  function renderItem(item) {
    const isImage = item.file.type?.startsWith('image/');
    item.previewUrl = isImage ? URL.createObjectURL(item.file) : null;
    item.bar = h('span', { class: 'upload-progress-bar' });
    item.status = h('span', { class: 'upload-status', text: formatSize(item.file.size) });
    item.node = h('li', { class: 'upload-item', testid: 'upload-item', data: { state: 'uploading' } }, [
      item.previewUrl
        ? h('img', { class: 'upload-preview', attrs: { src: item.previewUrl, alt: '' } })
        : h('span', { class: 'upload-preview upload-preview-file' }, [icon('file', { size: 20 })]),
      h('span', { class: 'upload-text' }, [
        h('span', { class: 'upload-name', text: item.file.name || 'Pasted image', attrs: { dir: 'auto' } }),
        item.status,
        h('span', { class: 'upload-progress', testid: 'upload-progress', attrs: { role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0', 'aria-label': `Uploading ${item.file.name || 'image'}` } }, [item.bar]),
      ]),
      h('button', {
        class: 'icon-button upload-remove',
        testid: 'upload-remove',
        attrs: { type: 'button', 'aria-label': `Remove ${item.file.name || 'image'}` },
        on: { click: () => remove(item) },
      }, [icon('close', { size: 16 })]),
    ]);
  }

  function setProgress(item, fraction) {
    item.progress = fraction;
    const percent = Math.round(fraction * 100);
    item.bar.style.width = `${percent}%`;
    item.node.querySelector('[role=progressbar]').setAttribute('aria-valuenow', String(percent));
  }

  function remove(item) {
    items = items.filter((other) => other !== item);
    item.controller.abort();
    item.node.remove();
    if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
    element.hidden = items.length === 0;
    onChange();
  }

  return {
    element,
    add,
    /** True while any file is still on its way. */
    get uploading() {
      return items.some((item) => !item.attachment && !item.error);
    },
    get failed() {
      return items.some((item) => item.error);
    },
    get attachments() {
      return items.filter((item) => item.attachment).map((item) => item.attachment);
    },
    get count() {
      return items.length;
    },
    /** After a send: the tray empties (the uploads now belong to the message). */
    clear() {
      for (const item of items) if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
      items = [];
      element.replaceChildren();
      element.hidden = true;
      onChange();
    },
    dispose() {
      for (const item of items) {
        item.controller.abort();
        if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
      }
      items = [];
    },
  };
}
