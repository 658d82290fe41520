import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConfigService } from '../config/config.service';
import { describeOrigin } from '../plugin-host/loaded-plugin';
import { ApiAccess } from './api-access.decorator';
import type { ApiCaller } from './api-caller';
import { Caller } from './api-caller.decorator';

@ApiTags('system')
@ApiBearerAuth()
@ApiAccess('system:read')
@Controller('api/v1')
export class SystemController {
  constructor(private readonly config: ConfigService) {}

  @Get('config')
  @ApiOperation({ summary: 'The configuration revision in force and what it holds (no secrets).' })
  configuration(@Caller() caller: ApiCaller) {
    const { config, revisionHash, files } = this.config.loaded;
    return {
      revision: revisionHash,
      files,
      organisation: config.organisation,
      counts: {
        brands: Object.keys(config.brands).filter((id) => caller.seesBrand(id)).length,
        people: Object.keys(config.people).length,
        notifiers: Object.keys(config.notifiers).length,
        rules: config.rules.length,
        escalations: Object.keys(config.escalations).length,
      },
    };
  }

  @Get('brands')
  @ApiOperation({
    summary: 'Brands with their owner, time zone and channels (connector and cadence; options omitted).',
  })
  brands(@Caller() caller: ApiCaller) {
    return Object.entries(this.config.loaded.config.brands)
      .filter(([id]) => caller.seesBrand(id))
      .map(([id, brand]) => ({
        id,
        name: brand.name,
        timezone: brand.timezone,
        owner: brand.owner,
        channels: Object.entries(brand.channels).map(([key, channel]) => ({
          id: key,
          connector: channel.connector,
          enabled: channel.enabled,
          cadence: channel.cadence ?? null,
        })),
      }));
  }

  @Get('plugins')
  @ApiOperation({ summary: 'Every plugin the host tried to load, and why any failed.' })
  plugins() {
    return this.config.loaded.plugins.all().map((plugin) => ({
      name: plugin.name,
      kind: plugin.kind ?? null,
      version: plugin.version ?? null,
      origin: describeOrigin(plugin.origin),
      status: plugin.status,
      error: plugin.status === 'failed' ? plugin.error : null,
    }));
  }
}
