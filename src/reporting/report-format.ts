import type { MeasureUnit } from './report-model';

/**
 * Numbers and durations written in the brand's locale, for the sentences the builder writes itself
 * (recommendations and their evidence). Templates format raw model numbers with their own helpers.
 */
export class ReportFormat {
  private readonly integer: Intl.NumberFormat;
  private readonly decimal: Intl.NumberFormat;
  private readonly percentage: Intl.NumberFormat;

  constructor(readonly locale: string) {
    this.integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    this.decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    // One decimal always, so 5.0% and 4.8% line up and read as measured, not rounded.
    this.percentage = new Intl.NumberFormat(locale, {
      style: 'percent',
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    });
  }

  count(value: number): string {
    return Number.isInteger(value) ? this.integer.format(value) : this.decimal.format(value);
  }

  percent(value: number): string {
    return this.percentage.format(value);
  }

  /** "2h 5m", "45m", "3d 4h": coarse enough to read at a glance. */
  minutes(value: number): string {
    const sign = value < 0 ? '−' : '';
    const total = Math.round(Math.abs(value));
    if (total < 60) {
      return `${sign}${this.unit(total, 'minute')}`;
    }
    const hours = Math.floor(total / 60);
    if (hours < 48) {
      const rest = total % 60;
      return `${sign}${this.unit(hours, 'hour')}${rest ? ` ${this.unit(rest, 'minute')}` : ''}`;
    }
    const rest = hours % 24;
    return `${sign}${this.unit(Math.floor(hours / 24), 'day')}${rest ? ` ${this.unit(rest, 'hour')}` : ''}`;
  }

  hours(value: number): string {
    return this.minutes(value * 60);
  }

  value(value: number | null, unit: MeasureUnit): string {
    if (value === null) {
      return 'no data yet';
    }
    switch (unit) {
      case 'count':
        return this.count(value);
      case 'ratio':
        return this.percent(value);
      case 'minutes':
        return this.minutes(value);
      case 'hours':
        return this.hours(value);
    }
  }

  private unit(value: number, unit: 'minute' | 'hour' | 'day'): string {
    return new Intl.NumberFormat(this.locale, { style: 'unit', unit, unitDisplay: 'narrow' }).format(value);
  }

  /** A calendar day (`YYYY-MM-DD`, already local) written out, e.g. "25 October 2026". */
  day(day: string): string {
    return new Intl.DateTimeFormat(this.locale, {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(new Date(`${day}T00:00:00Z`));
  }
}
