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
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { ConfigService } from '../config/config.service';
import { ChannelEntity } from '../persistence/entities/channel.entity';
import { ChannelCredentials, ChannelCredentialsError } from './channel-credentials';

const listQuery = z.strictObject({ brand: z.string().optional() });
const actorBody = z.strictObject({ by: z.string().min(1) });

@ApiTags('channels')
@Controller('api/v1/channels')
export class ChannelsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService,
    private readonly credentials: ChannelCredentials,
  ) {}

  @Get()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Every channel with its connector and status (active, needs_reconnect, disabled).',
  })
  async list(@Query({ schema: listQuery }) query: z.output<typeof listQuery>) {
    const rows = await this.dataSource.getRepository(ChannelEntity).find({
      where: query.brand ? { brandId: query.brand } : {},
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
  @ApiOperation({
    summary:
      "After renewing a channel's refused credentials: it publishes again (its waiting posts go out) and its incident is resolved.",
  })
  async reconnect(
    @Param('brand') brand: string,
    @Param('channel') channel: string,
    @Body({ schema: actorBody }) body: z.output<typeof actorBody>,
  ) {
    if (!this.config.loaded.config.people[body.by]) {
      throw new BadRequestException(`"${body.by}" is not a person in the config: use one of the people ids`);
    }
    try {
      const { waiting } = await this.credentials.reconnect(brand, channel, body.by, new Date());
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
