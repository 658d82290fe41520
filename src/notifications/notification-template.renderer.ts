import { Inject, Injectable, Optional } from '@nestjs/common';
import Handlebars from 'handlebars';
import { DateTime } from 'luxon';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatBrandTime, LONG } from './brand-time.format';

/** Injection token: the folder the notification templates live in (default: templates/notifications). */
export const NOTIFICATION_TEMPLATES_DIR = Symbol('NOTIFICATION_TEMPLATES_DIR');

export interface RenderedNotification {
  subject: string;
  text: string;
  /** Only when the template has an .html.hbs part. */
  html?: string;
}

interface CompiledTemplate {
  subject: HandlebarsTemplateDelegate;
  text: HandlebarsTemplateDelegate;
  html?: HandlebarsTemplateDelegate;
}

const TEMPLATE_NAME = /^[a-z0-9][a-z0-9-]*$/;

const SEVERITY_COLOURS = { info: '#2563eb', warning: '#d97706', critical: '#dc2626' };

/**
 * Renders `<name>.subject.hbs`, `<name>.text.hbs` and `<name>.html.hbs`. HTML escapes every value; the
 * subject and text are plain text and get none (so "Tom & Jerry" stays "Tom & Jerry", not "Tom &amp; Jerry").
 * Partials come from `partials/<partial>.hbs`. Templates are compiled once and cached.
 */
@Injectable()
export class NotificationTemplateRenderer {
  private readonly html = Handlebars.create();
  private readonly plain = Handlebars.create();
  private readonly compiled = new Map<string, CompiledTemplate>();
  private partialsLoaded = false;
  private readonly dir: string;

  constructor(@Optional() @Inject(NOTIFICATION_TEMPLATES_DIR) dir?: string) {
    this.dir = dir ?? defaultTemplatesDir();
    for (const env of [this.html, this.plain]) {
      env.registerHelper('datetime', formatDateTime);
      env.registerHelper('upper', (value: unknown) => (typeof value === 'string' ? value.toUpperCase() : ''));
      env.registerHelper('severityColour', (severity: unknown) =>
        typeof severity === 'string' && Object.hasOwn(SEVERITY_COLOURS, severity)
          ? SEVERITY_COLOURS[severity as keyof typeof SEVERITY_COLOURS]
          : SEVERITY_COLOURS.info,
      );
      env.registerHelper('safeUrl', safeUrl);
    }
  }

  /** Template names available, e.g. for checking `notify.template` in rules. */
  names(): string[] {
    if (!existsSync(this.dir)) {
      return [];
    }
    return readdirSync(this.dir)
      .filter((file) => file.endsWith('.subject.hbs'))
      .map((file) => file.slice(0, -'.subject.hbs'.length))
      .filter((name) => TEMPLATE_NAME.test(name))
      .sort();
  }

  render(name: string, data: object): RenderedNotification {
    const template = this.template(name);
    return {
      subject: template.subject(data).replace(/\s+/g, ' ').trim(),
      text: tidyText(template.text(data)),
      ...(template.html ? { html: template.html(data).trim() } : {}),
    };
  }

  private template(name: string): CompiledTemplate {
    const cached = this.compiled.get(name);
    if (cached) {
      return cached;
    }
    if (!TEMPLATE_NAME.test(name)) {
      throw new Error(
        `notification template "${name}" is not a valid name: use lowercase letters, digits and dashes (e.g. "incident-opened")`,
      );
    }
    const file = (part: string) => join(this.dir, `${name}.${part}.hbs`);
    if (!existsSync(file('subject')) || !existsSync(file('text'))) {
      const available = this.names();
      throw new Error(
        `notification template "${name}" not found in ${this.dir}: add ${name}.subject.hbs and ${name}.text.hbs ` +
          `(and optionally ${name}.html.hbs) there` +
          (available.length > 0 ? `, or use one of: ${available.join(', ')}` : ''),
      );
    }
    this.loadPartials();
    const options = { strict: false };
    const template: CompiledTemplate = {
      subject: this.plain.compile(readFileSync(file('subject'), 'utf8'), { ...options, noEscape: true }),
      text: this.plain.compile(readFileSync(file('text'), 'utf8'), { ...options, noEscape: true }),
      ...(existsSync(file('html'))
        ? { html: this.html.compile(readFileSync(file('html'), 'utf8'), options) }
        : {}),
    };
    this.compiled.set(name, template);
    return template;
  }

  private loadPartials(): void {
    if (this.partialsLoaded) {
      return;
    }
    this.partialsLoaded = true;
    const folder = join(this.dir, 'partials');
    if (!existsSync(folder)) {
      return;
    }
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.hbs'))) {
      const source = readFileSync(join(folder, file), 'utf8');
      this.html.registerPartial(file.slice(0, -'.hbs'.length), source);
      this.plain.registerPartial(file.slice(0, -'.hbs'.length), source);
    }
  }
}

/**
 * `templates/notifications` of the installation: beside `src/` when running from source or tests
 * (src/notifications → ../../templates), beside `dist/` in a build (dist/src/notifications → ../../../templates).
 */
export function defaultTemplatesDir(): string {
  const candidates = [
    resolve(__dirname, '..', '..', 'templates', 'notifications'),
    resolve(__dirname, '..', '..', '..', 'templates', 'notifications'),
  ];
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0];
}

/** `{{datetime value "Europe/London"}}`: a Date or ISO string as "Mon 2 Nov 2026, 09:00 GMT". */
function formatDateTime(value: unknown, ...rest: unknown[]): string {
  const zone = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : 'UTC';
  const date =
    value instanceof Date
      ? DateTime.fromJSDate(value)
      : typeof value === 'string'
        ? DateTime.fromISO(value, { setZone: true })
        : undefined;
  if (!date?.isValid) {
    return typeof value === 'string' ? value : '';
  }
  return formatBrandTime(date.toJSDate(), zone, LONG);
}

/**
 * Escaping keeps a link inside its attribute, but not `javascript:` out of it: only web and mail links
 * reach an href. (A link that is not one becomes "#".)
 */
function safeUrl(value: unknown): string {
  if (typeof value !== 'string' || !URL.canParse(value)) {
    return '#';
  }
  return ['http:', 'https:', 'mailto:'].includes(new URL(value).protocol) ? value : '#';
}

/** Blocks like {{#if}} leave trailing spaces and runs of blank lines in plain text; e-mail shows them. */
function tidyText(text: string): string {
  return text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
