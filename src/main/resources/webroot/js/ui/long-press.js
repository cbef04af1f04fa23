/**
 * A long press on touch and pen (a mouse has hover and right-click instead): onLongPress runs
 * after the finger has rested LONG_PRESS_MS without moving away, and the click that follows the
 * lift is swallowed, so a long press never also counts as a tap.
 */
const LONG_PRESS_MS = 450;
const MOVE_TOLERANCE_PX = 10;

export function onLongPress(element, onLongPress) {
  let timer = 0;
  let start = null;
  let fired = false;
  const cancel = () => {
    clearTimeout(timer);
    start = null;
  };
  element.addEventListener('pointerdown', (event) => {
    if (event.pointerType === 'mouse') return;
    fired = false;
    start = { x: event.clientX, y: event.clientY };
    timer = setTimeout(() => {
      fired = true;
      onLongPress(event);
    }, LONG_PRESS_MS);
  });
  element.addEventListener('pointermove', (event) => {
    if (start && Math.hypot(event.clientX - start.x, event.clientY - start.y) > MOVE_TOLERANCE_PX) cancel();
  });
  element.addEventListener('pointerup', cancel);
  element.addEventListener('pointercancel', cancel);
  element.addEventListener('contextmenu', (event) => {
    if (fired || start) event.preventDefault();
  });
  element.addEventListener('click', (event) => {
    if (!fired) return;
    fired = false;
    event.preventDefault();
    event.stopImmediatePropagation();
  }, { capture: true });
}
