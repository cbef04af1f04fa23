/**
 * Dates and times as people read them in a chat: clock times for today, "Yesterday",
 * weekdays for the last week, dates beyond. Uses the browser's locale.
 */
const DAY_MS = 86_400_000;

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long' });
const shortWeekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const dayMonthFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const fullDateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const longDayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
const longDayYearFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

function startOfDay(ts) {
  const d = new Date(ts);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Whole calendar days between ts and now (0 = today). */
function daysAgo(ts, now = Date.now()) {
  return Math.round((startOfDay(now) - startOfDay(ts)) / DAY_MS);
}

export function dayKey(ts) {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

export function formatTime(ts) {
  return timeFormat.format(ts);
}

export function formatFull(ts) {
  return fullFormat.format(ts);
}

/** Label for a day separator in the timeline. */
export function formatDay(ts, now = Date.now()) {
  const days = daysAgo(ts, now);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days < 7) return weekdayFormat.format(ts);
  const sameYear = new Date(ts).getFullYear() === new Date(now).getFullYear();
  return (sameYear ? longDayFormat : longDayYearFormat).format(ts);
}

/** Compact stamp for the conversation list. */
export function formatListStamp(ts, now = Date.now()) {
  const days = daysAgo(ts, now);
  if (days === 0) return timeFormat.format(ts);
  if (days === 1) return 'Yesterday';
  if (days < 7) return shortWeekdayFormat.format(ts);
  const sameYear = new Date(ts).getFullYear() === new Date(now).getFullYear();
  return (sameYear ? dayMonthFormat : fullDateFormat).format(ts);
}

/** "last seen …" for an offline contact; null lastSeen means unknown. */
export function formatLastSeen(lastSeen, now = Date.now()) {
  if (!lastSeen) return 'Offline';
  const minutes = Math.floor((now - lastSeen) / 60_000);
  if (minutes < 1) return 'Last seen just now';
  if (minutes < 60) return `Last seen ${minutes} min ago`;
  const days = daysAgo(lastSeen, now);
  if (days === 0) return `Last seen today at ${timeFormat.format(lastSeen)}`;
  if (days === 1) return `Last seen yesterday at ${timeFormat.format(lastSeen)}`;
  return `Last seen ${formatListStamp(lastSeen, now)}`;
}

/** Number of Unicode code points, the unit the server's 4000-character limit counts. */
export function codePointLength(text) {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}
