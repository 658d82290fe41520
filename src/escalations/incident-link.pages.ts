import { Inject, Injectable, Optional } from '@nestjs/common';
import Handlebars from 'handlebars';
import { DateTime } from 'luxon';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { IncidentEntity } from './incident.entity';
import type { IncidentLinkAction } from './incident-link.signer';

/** Injection token: the folder of the page templates (default: templates/pages of the installation). */
export const PAGE_TEMPLATES_DIR = Symbol('PAGE_TEMPLATES_DIR');

export interface IncidentView {
  incident: IncidentEntity;
  brandName: string | undefined;
  timezone: string;
}

export interface LinkPageContent {
  heading: string;
  message: string;
  hint?: string;
  incident?: IncidentView;
  /** The confirmation form: shown only while the action can still be taken. */
  form?: { action: IncidentLinkAction; token: string };
}

const BUTTONS: Record<IncidentLinkAction, string> = { ack: 'Acknowledge', resolve: 'Resolve' };

/**
 * The pages behind the signed links in notifications: what the incident is and one button, then what
 * happened. Handlebars escapes every value; the page has no script, and its only style is allowed by hash
 * in a Content-Security-Policy that refuses everything else (`csp`).
 */
@Injectable()
export class IncidentLinkPages {
  private readonly template: HandlebarsTemplateDelegate;
  private readonly style: string;
  readonly csp: string;

  constructor(@Optional() @Inject(PAGE_TEMPLATES_DIR) dir: string = defaultPagesDir()) {
    this.template = Handlebars.create().compile(readFileSync(join(dir, 'incident-link.hbs'), 'utf8'), {
      strict: false,
    });
    this.style = readFileSync(join(dir, 'incident-link.css'), 'utf8');
    const hash = createHash('sha256').update(this.style).digest('base64');
    this.csp = [
      "default-src 'none'",
      `style-src 'sha256-${hash}'`,
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; ');
  }

  render(organisation: string, content: LinkPageContent): string {
    const view = content.incident;
    return this.template({
      organisation,
      heading: content.heading,
      message: content.message,
      hint: content.hint,
      style: this.style,
      incident: view && {
        title: view.incident.title,
        brand: view.brandName,
        severity: view.incident.severity,
        state: view.incident.state,
        stateText: stateText(view.incident, view.timezone),
        openedAt: formatInstant(view.incident.openedAt, view.timezone),
      },
      // Relative: the page is at …/incidents/<id>/<action>, the form posts to …/<action>/confirm.
      form: content.form && {
        action: `${content.form.action}/confirm`,
        token: content.form.token,
        button: BUTTONS[content.form.action],
      },
    });
  }
}

function stateText(incident: IncidentEntity, timezone: string): string {
  if (incident.state === 'resolved') {
    return `Resolved${incident.resolvedBy ? ` by ${incident.resolvedBy}` : ''}${
      incident.resolvedAt ? `, ${formatInstant(incident.resolvedAt, timezone)}` : ''
    }`;
  }
  if (incident.state === 'acknowledged') {
    return `Acknowledged${incident.acknowledgedBy ? ` by ${incident.acknowledgedBy}` : ''}${
      incident.acknowledgedAt ? `, ${formatInstant(incident.acknowledgedAt, timezone)}` : ''
    }: escalation has stopped`;
  }
  return 'Open: escalating until someone acknowledges it';
}

function formatInstant(at: Date, timezone: string): string {
  return DateTime.fromJSDate(at).setZone(timezone).toFormat("d LLL yyyy, HH:mm '('z')'");
}

/** templates/pages beside src/ (source, tests) or beside dist/ (a build). */
function defaultPagesDir(): string {
  for (const candidate of [
    resolve(__dirname, '..', '..', 'templates', 'pages'),
    resolve(__dirname, '..', '..', '..', 'templates', 'pages'),
  ]) {
    try {
      readFileSync(join(candidate, 'incident-link.hbs'));
      return candidate;
    } catch {
      // try the next
    }
  }
  return resolve(__dirname, '..', '..', 'templates', 'pages');
}
