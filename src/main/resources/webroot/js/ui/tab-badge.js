/**
 * The unread total where people look when the tab is in the background: in
 * document.title ("(3) Parley") and as a badge drawn over the favicon on a canvas.
 */
const BASE_TITLE = 'Parley';
const ICON_URL = 'favicon.svg';
const SIZE = 64;

export class TabBadge {
  #link;
  #base = new Image();
  #shown = -1;

  constructor() {
    this.#link = document.querySelector('link[rel="icon"]');
    this.#base.src = ICON_URL;
    // The first badge may be asked for before the icon has loaded.
    this.#base.addEventListener('load', () => this.#draw(this.#shown), { once: true });
  }

  show(total) {
    if (total === this.#shown) return;
    this.#shown = total;
    document.title = total > 0 ? `(${total}) ${BASE_TITLE}` : BASE_TITLE;
    this.#draw(total);
  }

  reset() {
    this.show(0);
  }

  #draw(total) {
    if (!this.#link) return;
    if (total <= 0) {
      this.#link.type = 'image/svg+xml';
      this.#link.href = ICON_URL;
      return;
    }
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = SIZE;
    const context = canvas.getContext('2d');
    if (this.#base.complete && this.#base.naturalWidth) context.drawImage(this.#base, 0, 0, SIZE, SIZE);
    const text = total > 99 ? '99+' : String(total);
    const radius = text.length > 1 ? 24 : 20;
    const x = SIZE - radius;
    const y = radius;
    context.beginPath();
    context.arc(x, y, radius, 0, Math.PI * 2);
    context.fillStyle = '#e5383b';
    context.fill();
    context.lineWidth = 4;
    context.strokeStyle = '#ffffff';
    context.stroke();
    context.fillStyle = '#ffffff';
    context.font = `700 ${text.length > 2 ? 20 : text.length > 1 ? 26 : 30}px system-ui, sans-serif`;
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    context.fillText(text, x, y + 2);
    this.#link.type = 'image/png';
    this.#link.href = canvas.toDataURL('image/png');
  }
}
