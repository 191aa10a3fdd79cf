// Dates as people read them in a chat: a time for today, a day label above each day.

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" });

/** "14:05" or "2:05 PM", per the reader's locale. */
export function formatTime(iso: string): string {
  return timeFormat.format(new Date(iso));
}

/** The full date and time, for a tooltip. */
export function formatFull(iso: string): string {
  return fullFormat.format(new Date(iso));
}

/** A local calendar day key, to group messages by day. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** "Today", "Yesterday" or "Monday, March 3". */
export function formatDay(iso: string, now: Date = new Date()): string {
  const key = dayKey(iso);
  if (key === dayKey(now.toISOString())) return "Today";
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (key === dayKey(yesterday.toISOString())) return "Yesterday";
  return dayFormat.format(new Date(iso));
}
