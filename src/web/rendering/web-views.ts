import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigService } from '../../config/config.service';
import type { WebRequest } from '../web-user';
import { registerViewHelpers } from './view-helpers';
import { webTemplatesDir } from './web-templates-dir';

/** The screens in the navigation, in order; `admin` ones show to organisation admins only. */
export const NAVIGATION = [
  { id: 'today', label: 'Today', href: '/' },
  { id: 'calendar', label: 'Calendar', href: '/calendar' },
  { id: 'approvals', label: 'Approvals', href: '/approvals' },
  { id: 'inbox', label: 'Inbox', href: '/inbox' },
  { id: 'incidents', label: 'Incidents', href: '/incidents' },
  { id: 'reports', label: 'Reports', href: '/reports' },
  { id: 'channels', label: 'Channels', href: '/channels' },
  { id: 'system', label: 'System', href: '/system', admin: true },
] as const;

export type ScreenId = (typeof NAVIGATION)[number]['id'] | 'post' | 'sign-in' | 'feeds' | 'error';

export interface PageOptions {
  /** The page's <title> and <h1>. */
  title: string;
  /** Which navigation entry is current. */
  screen: ScreenId;
  /** Extra style sheets of this screen, by name: /assets/<name>.css (each screen keeps its own). */
  styles?: string[];
}

/**
 * Renders the web app's views: `templates/web/<view>.hbs` inside `layout.hbs`, partials from
 * `templates/web/partials`. Handlebars escapes every value; there is no inline script or style anywhere
 * (the Content-Security-Policy forbids both), so views use classes from /assets/app.css and htmx attributes.
 * An htmx request for a fragment renders the view alone (`fragment`).
 */
@Injectable()
export class WebViews {
  private readonly hbs = Handlebars.create();
  private readonly views = new Map<string, HandlebarsTemplateDelegate>();
  private readonly layout: HandlebarsTemplateDelegate;
  private readonly dir = webTemplatesDir();

  constructor(private readonly config: ConfigService) {
    registerViewHelpers(this.hbs);
    const partials = join(this.dir, 'partials');
    for (const file of readdirSync(partials).filter((name) => name.endsWith('.hbs'))) {
      this.hbs.registerPartial(basename(file, '.hbs'), readFileSync(join(partials, file), 'utf8'));
    }
    this.layout = this.compile('layout');
  }

  /** A whole page: the view inside the layout, with the navigation for the signed-in person. */
  page(request: WebRequest, view: string, options: PageOptions, model: Record<string, unknown> = {}): string {
    const context = this.context(request, options, model);
    const body = this.view(view)(context);
    return this.layout({ ...context, body: new this.hbs.SafeString(body) });
  }

  /** The view alone (an htmx swap target), with the same context a page has. */
  fragment(request: WebRequest, view: string, model: Record<string, unknown> = {}): string {
    return this.view(view)(this.context(request, { title: '', screen: 'error' }, model));
  }

  private context(request: WebRequest, options: PageOptions, model: Record<string, unknown>) {
    const user = request.webUser;
    const organisation = this.config.loaded.config.organisation.name;
    return {
      ...model,
      title: options.title,
      screen: options.screen,
      styles: options.styles ?? [],
      organisation,
      csrfToken: user?.csrfToken ?? '',
      // JSON for htmx's hx-headers attribute: every htmx request carries the CSRF token.
      htmxHeaders: user ? JSON.stringify({ 'X-CSRF-Token': user.csrfToken }) : undefined,
      user: user ? { person: user.person, name: user.name, admin: user.admin } : undefined,
      navigation: user
        ? NAVIGATION.filter((entry) => !('admin' in entry) || user.admin).map((entry) => ({
            ...entry,
            current: entry.id === options.screen,
          }))
        : [],
    };
  }

  private view(name: string): HandlebarsTemplateDelegate {
    let template = this.views.get(name);
    if (!template) {
      template = this.compile(name);
      this.views.set(name, template);
    }
    return template;
  }

  private compile(name: string): HandlebarsTemplateDelegate {
    if (!/^[a-z0-9-]+(\/[a-z0-9-]+)*$/.test(name)) {
      throw new Error(`not a view name: ${name}`);
    }
    return this.hbs.compile(readFileSync(join(this.dir, `${name}.hbs`), 'utf8'), { strict: false });
  }
}
