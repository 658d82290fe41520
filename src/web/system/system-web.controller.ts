import { Body, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { Clock } from '../../clock/clock';
import { ConfigService } from '../../config/config.service';
import { InvalidError, NotFoundError } from '../../errors/domain.error';
import { API_SCOPES, parseScopes } from '../../http/api-scopes';
import { describeOrigin } from '../../plugin-host/loaded-plugin';
import { ApiTokenRepository, type CreatedApiToken } from '../../persistence/api-token.repository';
import { AuditRepository } from '../../persistence/audit.repository';
import { WebViews } from '../rendering/web-views';
import { WebSessionService } from '../session/web-session.service';
import { WebAccess, WebController } from '../web-access.decorator';
import type { WebRequest } from '../web-user';
import { SystemOverviewQuery } from './system-overview.query';

/** A form field that may come once (a string) or several times (checkboxes: an array). */
const many = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));

const tokenForm = z.looseObject({
  name: z.string().trim().min(1, { error: 'give the token a name, e.g. "ci" or "grafana"' }).max(100),
  /** `person:<id>` or `service` (named after the token, or `service` below). */
  owner: z.string().min(1),
  service: z.string().trim().max(100).optional(),
  scopes: many,
  brands: many,
  admin: z.string().optional(),
});

/**
 * System (organisation admins): the configuration in force and the last refused reload, plugins, the queue,
 * API tokens (create, shown once; revoke) and web sessions per person (sign out everywhere).
 */
@WebController('system')
export class SystemWebController {
  constructor(
    private readonly views: WebViews,
    private readonly config: ConfigService,
    private readonly overview: SystemOverviewQuery,
    private readonly tokens: ApiTokenRepository,
    private readonly sessions: WebSessionService,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  @WebAccess('admin')
  @Get()
  async page(@Req() request: WebRequest): Promise<string> {
    return this.render(request);
  }

  /** Creates a token like `metronome token create`; the answer is the page with the token, shown this once. */
  @WebAccess('admin')
  @Post('tokens')
  @HttpCode(201)
  async createToken(
    @Req() request: WebRequest,
    @Body({ schema: tokenForm }) form: z.output<typeof tokenForm>,
  ): Promise<string> {
    const config = this.config.loaded.config;
    let person: string | undefined;
    let service: string | undefined;
    if (form.owner.startsWith('person:')) {
      person = form.owner.slice('person:'.length);
      if (!config.people[person]) {
        throw new InvalidError(`no person "${person}" in the configuration`);
      }
    } else if (form.owner === 'service') {
      service = form.service || form.name;
    } else {
      throw new InvalidError('choose who the token acts for: a person, or a service');
    }
    const unknownBrand = form.brands.find((brand) => !config.brands[brand]);
    if (unknownBrand !== undefined) {
      throw new InvalidError(`no brand "${unknownBrand}" in the configuration`);
    }
    // The same names the CLI takes (all, read, or scopes); an unknown one is refused with the list.
    const scopes = parseScopes(form.scopes.join(','));
    if ((await this.tokens.list()).some((token) => token.name === form.name && !token.revokedAt)) {
      throw new InvalidError(
        `a token named "${form.name}" already exists: revoke it first or pick another name`,
      );
    }
    const created = await this.tokens.create(form.name, {
      person,
      service,
      scopes,
      brands: form.brands.length > 0 ? form.brands : null,
      admin: form.admin === 'on' || form.admin === 'true',
    });
    await this.audit.append({
      actor: request.webUser!.person,
      action: 'api_token.created',
      subjectType: 'api_token',
      subjectId: created.token.id,
      data: { name: created.token.name, scopes: created.token.scopes, via: 'web' },
      at: this.clock.now(),
    });
    return this.render(request, created);
  }

  @WebAccess('admin')
  @Post('tokens/:id/revoke')
  async revokeToken(
    @Req() request: WebRequest,
    @Param('id') id: string,
    @Res() response: Response,
  ): Promise<void> {
    const token = (await this.tokens.list()).find((candidate) => candidate.id === id);
    if (!token || token.revokedAt) {
      throw new NotFoundError(`no active token with id ${id}`);
    }
    await this.tokens.revoke(token.id);
    await this.audit.append({
      actor: request.webUser!.person,
      action: 'api_token.revoked',
      subjectType: 'api_token',
      subjectId: token.id,
      data: { name: token.name, via: 'web' },
      at: this.clock.now(),
    });
    response.redirect(303, '/system#api-tokens');
  }

  /** Ends every web session of the person (their own included, when an admin chooses themselves). */
  @WebAccess('admin')
  @Post('sessions/:person/end')
  async signOutEverywhere(
    @Req() request: WebRequest,
    @Param('person') person: string,
    @Res() response: Response,
  ): Promise<void> {
    if (!this.config.loaded.config.people[person]) {
      throw new NotFoundError(`no person "${person}" in the configuration`);
    }
    const ended = await this.sessions.endAllOf(person);
    await this.audit.append({
      actor: request.webUser!.person,
      action: 'web_sessions.ended',
      subjectType: 'person',
      subjectId: person,
      data: { sessions: ended, via: 'web' },
      at: this.clock.now(),
    });
    response.redirect(303, person === request.webUser!.person ? '/sign-in' : '/system#sessions');
  }

  private async render(request: WebRequest, created?: CreatedApiToken): Promise<string> {
    const loaded = this.config.loaded;
    const { config } = loaded;
    const now = this.clock.now();
    const zone = config.organisation.timezone;
    const [revision, queue, sessions, tokens] = await Promise.all([
      this.overview.revision(loaded.revisionHash),
      this.overview.queueDepth(now),
      this.overview.sessions(now),
      this.tokens.list(),
    ]);
    const plugins = loaded.plugins.all().map((plugin) => ({
      name: plugin.name,
      kind: plugin.kind ?? 'unknown kind',
      version: plugin.version ?? '',
      origin: describeOrigin(plugin.origin),
      failed: plugin.status === 'failed',
      error: plugin.status === 'failed' ? plugin.error : undefined,
    }));
    return this.views.page(
      request,
      'system',
      { title: 'System', screen: 'system', styles: ['system'] },
      {
        zone,
        created: created && { name: created.token.name, plaintext: created.plaintext },
        revision: {
          hash: loaded.revisionHash,
          short: loaded.revisionHash.slice(0, 12),
          files: loaded.files,
          recordedAt: revision?.loadedAt,
          recordedSources: revision?.sources,
        },
        rejected: this.config.lastRejectedReload,
        plugins,
        failedPlugins: plugins.filter((plugin) => plugin.failed).length,
        queue,
        scopes: API_SCOPES,
        people: Object.entries(config.people).map(([id, person]) => ({
          id,
          name: person.name,
          sessions: sessions.get(id)?.count ?? 0,
          lastSeenAt: sessions.get(id)?.lastSeenAt,
        })),
        brands: Object.entries(config.brands).map(([id, brand]) => ({ id, name: brand.name })),
        tokens: tokens
          .slice()
          .reverse()
          .map((token) => ({
            id: token.id,
            name: token.name,
            who: token.person ? `person ${token.person}` : `service ${token.service ?? token.name}`,
            scopes: token.scopes.length === API_SCOPES.length ? 'all' : token.scopes.join(', '),
            brands: token.brands ? token.brands.join(', ') : 'all brands',
            admin: token.admin,
            prefix: token.prefix,
            createdAt: token.createdAt,
            lastUsedAt: token.lastUsedAt,
            revokedAt: token.revokedAt,
          })),
      },
    );
  }
}
