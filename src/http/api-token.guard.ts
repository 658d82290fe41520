import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiTokenRepository } from '../persistence/api-token.repository';
import { IS_PUBLIC } from './public.decorator';

/** Every route needs a valid API token (`Authorization: Bearer mtr_…`) unless it is marked @Public(). */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokenRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) {
      return true;
    }
    const request = context.switchToHttp().getRequest<Request & { apiToken?: { name: string } }>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const token = match ? await this.tokens.verify(match[1]) : null;
    if (!token) {
      throw new UnauthorizedException(
        'missing or invalid API token: create one with `metronome token create --name <name>` and send "Authorization: Bearer <token>"',
      );
    }
    request.apiToken = { name: token.name };
    return true;
  }
}
