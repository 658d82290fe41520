import { Injectable } from '@nestjs/common';
import { ConfigService } from '../../config/config.service';
import { webBaseUrl } from '../web-base-url';
import { WebLinkService } from '../session/web-link.service';

export const SIGN_IN_PURPOSE = 'sign-in';

/** Sign-in links: one person, one use, `web.signInLinkLifetime` (15 minutes by default). */
@Injectable()
export class SignInLinks {
  constructor(
    private readonly links: WebLinkService,
    private readonly config: ConfigService,
  ) {}

  /** A new sign-in link for `person`, landing on `next` (a path) once used. */
  async create(person: string, next = '/', lifetimeMs?: number): Promise<string> {
    const config = this.config.loaded.config;
    const token = await this.links.issue({
      person,
      purpose: SIGN_IN_PURPOSE,
      detail: next,
      lifetimeMs: lifetimeMs ?? config.web.signInLinkLifetime,
    });
    return `${webBaseUrl(config)}/sign-in/link?token=${encodeURIComponent(token)}`;
  }
}
