/**
 * A test oracle for wall-clock placement that shares no code with luxon's zone resolution: it walks a year in
 * quarter hours, reads each instant's wall clock through `Intl.DateTimeFormat`, and remembers the first instant
 * of each wall time and the last wall time before each gap. Tests compare the scheduling code against it.
 */
export class DstOracle {
  private readonly firstInstant = new Map<number, number>();
  /** Wall times (ms "as if UTC") of every quarter hour the zone's clocks show, in order. */
  private readonly walls: number[] = [];
  /** Instants at which the offset changed, with the offsets around them. */
  readonly transitions: { at: number; offsetBefore: number; offsetAfter: number }[] = [];

  constructor(
    readonly zone: string,
    readonly year: number,
  ) {
    const format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    const from = Date.UTC(year - 1, 11, 30);
    const to = Date.UTC(year + 1, 0, 3);
    let previousOffset: number | undefined;
    for (let at = from; at < to; at += 15 * 60_000) {
      const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
      const wall = Date.UTC(
        Number(parts.year),
        Number(parts.month) - 1,
        Number(parts.day),
        Number(parts.hour),
        Number(parts.minute),
      );
      const offset = wall - at;
      if (previousOffset !== undefined && offset !== previousOffset) {
        this.transitions.push({ at, offsetBefore: previousOffset, offsetAfter: offset });
      }
      previousOffset = offset;
      if (!this.firstInstant.has(wall)) {
        this.firstInstant.set(wall, at);
        this.walls.push(wall);
      }
    }
    this.walls.sort((a, b) => a - b);
  }

  /** The instant the design's rule gives a wall time: its first occurrence, or moved forward past a gap. */
  expected(wall: number): { instant: number; kind: 'ordinary' | 'overlap' | 'gap' } {
    const first = this.firstInstant.get(wall);
    if (first !== undefined) {
      const repeated = this.transitions.some(
        (t) => t.offsetAfter < t.offsetBefore && wall >= t.at + t.offsetAfter && wall < t.at + t.offsetBefore,
      );
      return { instant: first, kind: repeated ? 'overlap' : 'ordinary' };
    }
    // The last wall time the clocks showed before this one, read with the offset in force then.
    let low = 0;
    let high = this.walls.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.walls[middle] < wall) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    const before = this.walls[low];
    return { instant: (this.firstInstant.get(before) as number) + (wall - before), kind: 'gap' };
  }

  /** Whether a local day is within a day of a clock change. */
  nearTransition(year: number, month: number, day: number): boolean {
    const midnight = Date.UTC(year, month - 1, day);
    return this.transitions.some((t) => Math.abs(t.at + t.offsetBefore - midnight) < 2 * 86_400_000);
  }

  /** The local calendar days of the year as `[year, month, day]`. */
  days(): [number, number, number][] {
    const days: [number, number, number][] = [];
    for (let at = Date.UTC(this.year, 0, 1); at < Date.UTC(this.year + 1, 0, 1); at += 86_400_000) {
      const date = new Date(at);
      days.push([date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]);
    }
    return days;
  }
}
