/**
 * A message's attachments (PROTOCOL.md §2.2): images inline at their thumbnail (a button that
 * opens the full size), other files as cards with name and size that download on click. Bytes
 * come through AttachmentUrls (fetched with the token in the header), never from a URL that
 * would need the token.
 */
import { h } from '../core/dom.js';
import { icon } from '../core/icons.js';
import { openModal } from './modal.js';

const THUMBNAIL_MAX_PX = 320;

export function formatSize(bytes) {
  if (!Number.isFinite(bytes)) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function isImage(attachment) {
  return typeof attachment.mime === 'string' && attachment.mime.startsWith('image/') && Number.isFinite(attachment.width);
}

/** urls: an AttachmentUrls; notify(text) for a failure. */
export function renderAttachments(attachments, { urls, notify }) {
  if (!attachments?.length) return null;
  return h('div', { class: 'attachments', testid: 'attachments' }, attachments.map((attachment) => (isImage(attachment)
    ? imageTile(attachment, urls, notify)
    : fileCard(attachment, urls, notify))));
}

function imageTile(attachment, urls, notify) {
  const scale = Math.min(1, THUMBNAIL_MAX_PX / Math.max(attachment.width || 1, attachment.height || 1));
  const img = h('img', {
    class: 'attachment-image',
    testid: 'attachment-image',
    attrs: {
      alt: attachment.name ?? 'Image',
      width: Math.round((attachment.width || THUMBNAIL_MAX_PX) * scale),
      height: Math.round((attachment.height || THUMBNAIL_MAX_PX) * scale),
      decoding: 'async',
    },
  });
  urls.url(attachment.id, { thumbnail: Boolean(attachment.thumbnail) }).then((url) => {
    img.src = url;
  }, () => img.classList.add('is-broken'));
  return h('button', {
    class: 'attachment-tile',
    testid: 'attachment-open',
    attrs: { type: 'button', 'aria-label': `Open ${attachment.name ?? 'image'} full size` },
    on: { click: () => openImage(attachment, urls, notify) },
  }, [img]);
}

function fileCard(attachment, urls, notify) {
  return h('button', {
    class: 'attachment-file',
    testid: 'attachment-file',
    attrs: { type: 'button', 'aria-label': `Download ${attachment.name ?? 'file'}` },
    on: { click: () => download(attachment, urls, notify) },
  }, [
    h('span', { class: 'attachment-file-icon' }, [icon('file', { size: 22 })]),
    h('span', { class: 'attachment-file-text' }, [
      h('span', { class: 'attachment-name', testid: 'attachment-name', text: attachment.name ?? 'file', attrs: { dir: 'auto' } }),
      h('span', { class: 'attachment-size', testid: 'attachment-size', text: formatSize(attachment.size) }),
    ]),
  ]);
}

/** The full-size image in a dialog; its object URL is revoked when the dialog closes. */
function openImage(attachment, urls, notify) {
  const img = h('img', { class: 'lightbox-image', testid: 'lightbox-image', attrs: { alt: attachment.name ?? 'Image' } });
  let objectUrl = null;
  let closed = false;
  openModal({
    title: attachment.name ?? 'Image',
    className: 'modal-lightbox',
    body: [img],
    onClose: () => {
      closed = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    },
  });
  urls.fetchFresh(attachment.id).then((url) => {
    if (closed) URL.revokeObjectURL(url);
    else img.src = objectUrl = url;
  }, () => notify("Couldn't load that image."));
}

/** Saves a file: its bytes fetched with the token, handed to the browser as a download. */
function download(attachment, urls, notify) {
  urls.fetchFresh(attachment.id).then((url) => {
    const link = h('a', { attrs: { href: url, download: attachment.name ?? 'file' } });
    document.body.append(link);
    link.click();
    link.remove();
    // The browser has taken the URL once the click is handled.
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }, () => notify("Couldn't download that file."));
}
