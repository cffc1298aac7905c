/** Dates and durations for people, in their locale. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const date = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/** "24 Nov 2026". */
export function formatDate(ms: number): string {
  return date.format(new Date(ms));
}

/** "24 Nov 2026, 22:26". */
export function formatDateTime(ms: number): string {
  return dateTime.format(new Date(ms));
}

/** "45 s", "12 min", "1 h 5 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
