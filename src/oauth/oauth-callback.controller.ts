import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { DomainError } from '../errors/domain.error';
import { Public } from '../http/public.decorator';
import { callbackPage } from './callback-page';
import { OAuthConnectService, type AuthorizationOutcome } from './oauth-connect.service';

// Loose: platforms add their own parameters (Meta's `#_=_`, LinkedIn's none, others `scope`, `iss`).
const callbackQuery = z.looseObject({
  code: z.string().optional(),
  state: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

/**
 * Where platforms send a person back after consent (RFC 6749 §4.1.2): `<organisation.publicUrl>/oauth/callback`.
 * Public — the platform's redirect carries no API token; the single-use `state` is what authorizes it.
 */
@ApiTags('channels')
@Controller('oauth')
export class OAuthCallbackController {
  constructor(private readonly connect: OAuthConnectService) {}

  @Public()
  @Get('callback')
  @ApiProduces('text/html')
  @Header('cache-control', 'no-store')
  @Header('referrer-policy', 'no-referrer')
  @ApiOperation({
    summary: 'The OAuth 2 redirect URL: completes `metronome channels connect` (an HTML page).',
  })
  async callback(
    @Query({ schema: callbackQuery }) query: z.output<typeof callbackQuery>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    const outcome = await this.connect
      .complete({
        state: query.state,
        code: query.code,
        error: query.error,
        errorDescription: query.error_description,
      })
      .catch((error: unknown): AuthorizationOutcome => {
        if (error instanceof DomainError) {
          return { ok: false, status: 400, message: error.message };
        }
        throw error;
      });
    const page = renderOutcome(outcome);
    response.status(page.status).type('html');
    return page.html;
  }
}

/** The outcome as a page: 200 when connected, 400 for a link that cannot be used, 502 when the platform failed. */
export function renderOutcome(outcome: AuthorizationOutcome): { status: number; html: string } {
  if (outcome.ok) {
    const account = Object.values(outcome.tokens.account ?? {}).join(', ');
    return {
      status: 200,
      html: callbackPage(
        `Connected ${outcome.label}`,
        `${outcome.brandName} is connected to ${outcome.platform}${account ? ` (${account})` : ''} — you can close this tab.`,
      ),
    };
  }
  return {
    status: outcome.status,
    html: callbackPage(
      outcome.label ? `Could not connect ${outcome.label}` : 'Could not connect the channel',
      outcome.message,
    ),
  };
}
