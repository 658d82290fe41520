import { Clock } from '../clock/clock';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { ConfigService } from '../config/config.service';
import { Public } from '../http/public.decorator';
import type { IncidentEntity } from './incident.entity';
import { INCIDENT_LINK_SIGNER } from './escalation.sweeper';
import { IncidentLinkPages, type LinkPageContent } from './incident-link.pages';
import { IncidentLinkAction, IncidentLinkSigner } from './incident-link.signer';
import { DomainError } from '../errors/domain.error';
import { IncidentService } from './incident.service';

// Loose: click tracking in mail and chat tools appends its own parameters (utm_source, …).
const linkQuery = z.looseObject({ token: z.string().min(1) });
const confirmBody = z.looseObject({ token: z.string().min(1) });

const DONE: Record<IncidentLinkAction, { heading: string; message: string }> = {
  ack: {
    heading: 'Incident acknowledged',
    message: 'Escalation has stopped. The incident stays open until it is resolved.',
  },
  resolve: { heading: 'Incident resolved', message: 'The incident is closed; nobody else will be notified.' },
};
const ASK: Record<IncidentLinkAction, { heading: string; message: string }> = {
  ack: {
    heading: 'Acknowledge this incident?',
    message:
      'Acknowledging stops the escalation: nobody else is notified. The incident stays open until resolved.',
  },
  resolve: {
    heading: 'Resolve this incident?',
    message: 'Resolving closes the incident and stops its escalation.',
  },
};

/**
 * The signed links in notifications. Opening one (GET) only shows what the incident is and a button, so
 * mail scanners and chat unfurlers that fetch links change nothing; the button POSTs the token back and
 * that acts. The token travels in the form body, not the URL, and the request log redacts it from URLs.
 */
@ApiTags('incidents')
@Controller('api/v1/incidents')
export class IncidentLinksController {
  constructor(
    private readonly incidents: IncidentService,
    @Inject(INCIDENT_LINK_SIGNER) private readonly links: IncidentLinkSigner,
    private readonly pages: IncidentLinkPages,
    private readonly config: ConfigService,
    private readonly clock: Clock,
  ) {}

  @Public()
  @Get(':id/ack')
  @ApiProduces('text/html')
  @ApiOperation({
    summary: 'Signed link from a notification: a page that asks to acknowledge (changes nothing).',
  })
  ackPage(
    @Param('id') id: string,
    @Query({ schema: linkQuery }) query: z.output<typeof linkQuery>,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.page(id, 'ack', query.token, response);
  }

  @Public()
  @Get(':id/resolve')
  @ApiProduces('text/html')
  @ApiOperation({
    summary: 'Signed link from a notification: a page that asks to resolve (changes nothing).',
  })
  resolvePage(
    @Param('id') id: string,
    @Query({ schema: linkQuery }) query: z.output<typeof linkQuery>,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.page(id, 'resolve', query.token, response);
  }

  @Public()
  @Post(':id/ack/confirm')
  @HttpCode(200)
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'The button on the acknowledge page (form field `token`): acknowledges.' })
  ack(
    @Param('id') id: string,
    @Body({ schema: confirmBody }) body: z.output<typeof confirmBody>,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.confirm(id, 'ack', body.token, response);
  }

  @Public()
  @Post(':id/resolve/confirm')
  @HttpCode(200)
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'The button on the resolve page (form field `token`): resolves.' })
  resolve(
    @Param('id') id: string,
    @Body({ schema: confirmBody }) body: z.output<typeof confirmBody>,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.confirm(id, 'resolve', body.token, response);
  }

  private async page(id: string, action: IncidentLinkAction, token: string, response: Response) {
    const refused = this.refusal(id, action, token);
    if (refused) {
      return this.send(response, 403, refused);
    }
    const incident = await this.incidents.byId(id);
    if (!incident) {
      return this.send(response, 404, { heading: 'No such incident', message: 'It may have been removed.' });
    }
    const open = action === 'ack' ? incident.state === 'open' : incident.state !== 'resolved';
    return this.send(response, 200, {
      ...(open ? ASK[action] : { heading: 'Nothing to do', message: 'This incident has moved on already.' }),
      incident: this.view(incident),
      form: open ? { action, token } : undefined,
    });
  }

  private async confirm(id: string, action: IncidentLinkAction, token: string, response: Response) {
    const refused = this.refusal(id, action, token);
    if (refused) {
      return this.send(response, 403, refused);
    }
    try {
      const incident =
        action === 'ack'
          ? await this.incidents.acknowledge(id, 'signed link', this.clock.now())
          : await this.incidents.resolve(id, 'signed link', this.clock.now());
      return this.send(response, 200, { ...DONE[action], incident: this.view(incident) });
    } catch (error) {
      if (!(error instanceof DomainError)) {
        throw error;
      }
      const incident = await this.incidents.byId(id);
      return this.send(response, incident ? 409 : 404, {
        heading: incident ? 'Nothing to do' : 'No such incident',
        message: incident ? 'This incident has moved on already.' : 'It may have been removed.',
        incident: incident ? this.view(incident) : undefined,
      });
    }
  }

  private refusal(id: string, action: IncidentLinkAction, token: string): LinkPageContent | undefined {
    const verdict = this.links.verify(id, action, token, this.clock.now());
    if (verdict === 'ok') {
      return undefined;
    }
    return verdict === 'expired'
      ? {
          heading: 'This link has expired',
          message: 'Links in notifications work for a few days.',
          hint: 'Use `metronome incidents ack|resolve <id> --as <you>`, the API, or the link in a newer notification.',
        }
      : {
          heading: 'This link is not valid',
          message: 'It may have been cut short or changed on the way.',
          hint: 'Open the link from the notification again, or use `metronome incidents`.',
        };
  }

  private view(incident: IncidentEntity) {
    const { config } = this.config.loaded;
    const brand = incident.brandId ? config.brands[incident.brandId] : undefined;
    return {
      incident,
      brandName: brand?.name,
      timezone: brand?.timezone ?? config.organisation.timezone,
    };
  }

  private send(response: Response, status: number, content: LinkPageContent): string {
    response.status(status).type('html').set({
      'content-security-policy': this.pages.csp,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-robots-tag': 'noindex, nofollow',
    });
    return this.pages.render(this.config.loaded.config.organisation.name, content);
  }
}
