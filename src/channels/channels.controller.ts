import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Clock } from '../clock/clock';
import { ActingPersonResolver } from '../http/acting-person.resolver';
import { actorOnlyBody } from '../http/acting-person.schema';
import { ApiAccess } from '../http/api-access.decorator';
import type { ApiCaller } from '../http/api-caller';
import { Caller } from '../http/api-caller.decorator';
import { ChannelCredentials } from './channel-credentials';
import { ChannelRepository } from './channel.repository';

const listQuery = z.strictObject({ brand: z.string().optional() });
const actorBody = actorOnlyBody;

@ApiTags('channels')
@Controller('api/v1/channels')
export class ChannelsController {
  constructor(
    private readonly channels: ChannelRepository,
    private readonly credentials: ChannelCredentials,
    private readonly actors: ActingPersonResolver,
    private readonly clock: Clock,
  ) {}

  @Get()
  @ApiBearerAuth()
  @ApiAccess('channels:read', { query: 'brand' })
  @ApiOperation({
    summary: 'Every channel with its connector and status (active, needs_reconnect, disabled).',
  })
  async list(@Query({ schema: listQuery }) query: z.output<typeof listQuery>, @Caller() caller: ApiCaller) {
    const rows = await this.channels.list(
      query.brand ? { brand: query.brand } : caller.brandFilter ? { brands: [...caller.brandFilter] } : {},
    );
    return rows.map((row) => ({
      brand: row.brandId,
      channel: row.key,
      connector: row.connector,
      status: row.status,
    }));
  }

  @Post(':brand/:channel/reconnect')
  @ApiBearerAuth()
  @ApiAccess('channels:write', { param: 'brand' })
  @ApiOperation({
    summary:
      "After renewing a channel's refused credentials: it publishes again (its waiting posts go out) and its incident is resolved.",
  })
  async reconnect(
    @Param('brand') brand: string,
    @Param('channel') channel: string,
    @Body({ schema: actorBody }) body: z.output<typeof actorBody>,
    @Caller() caller: ApiCaller,
  ) {
    const by = this.actors.resolve(caller, body.onBehalfOf, 'person-or-service');
    // An unknown channel is a NotFoundError (404), one that needs no reconnect an InvalidError (400).
    const { waiting } = await this.credentials.reconnect(brand, channel, by, this.clock.now());
    return { brand, channel, status: 'active', waiting };
  }
}
