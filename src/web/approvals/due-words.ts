/** "overdue by 3h" / "due in 5h" / "due in 2d": how far a deadline is from now, in words, rounded down. */
export function dueWords(dueAt: Date, now: Date): string {
  const ms = dueAt.getTime() - now.getTime();
  const span = spanWords(Math.abs(ms));
  return ms < 0 ? `overdue by ${span}` : `due in ${span}`;
}

function spanWords(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) {
    return `${Math.max(minutes, 1)}m`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    return `${hours}h`;
  }
  return `${Math.floor(hours / 24)}d`;
}
