import {
  BadRequestException,
  Body,
  Controller,
  Get,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource, In } from 'typeorm';
import { z } from 'zod';
import { ChannelEntity } from '../persistence/entities/channel.entity';
import { ActingPersonResolver } from '../http/acting-person.resolver';
import { actorOnlyBody } from '../http/acting-person.schema';
import { ApiAccess } from '../http/api-access.decorator';
import type { ApiCaller } from '../http/api-caller';
import { Caller } from '../http/api-caller.decorator';
import { ChannelCredentials, ChannelCredentialsError } from './channel-credentials';

const listQuery = z.strictObject({ brand: z.string().optional() });
const actorBody = actorOnlyBody;

@ApiTags('channels')
@Controller('api/v1/channels')
export class ChannelsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly credentials: ChannelCredentials,
    private readonly actors: ActingPersonResolver,
  ) {}

  @Get()
  @ApiBearerAuth()
  @ApiAccess('channels:read', { query: 'brand' })
  @ApiOperation({
    summary: 'Every channel with its connector and status (active, needs_reconnect, disabled).',
  })
  async list(@Query({ schema: listQuery }) query: z.output<typeof listQuery>, @Caller() caller: ApiCaller) {
    const rows = await this.dataSource.getRepository(ChannelEntity).find({
      where: query.brand
        ? { brandId: query.brand }
        : caller.brandFilter
          ? { brandId: In([...caller.brandFilter]) }
          : {},
      order: { brandId: 'ASC', key: 'ASC' },
    });
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
    try {
      const { waiting } = await this.credentials.reconnect(brand, channel, by, new Date());
      return { brand, channel, status: 'active', waiting };
    } catch (error) {
      if (error instanceof ChannelCredentialsError) {
        throw error.message.startsWith('no channel')
          ? new NotFoundException(error.message)
          : new BadRequestException(error.message);
      }
      throw error;
    }
  }
}
