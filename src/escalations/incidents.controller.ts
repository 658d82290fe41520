import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ActingPersonResolver } from '../http/acting-person.resolver';
import { actorOnlyBody } from '../http/acting-person.schema';
import { ApiAccess } from '../http/api-access.decorator';
import type { ApiCaller } from '../http/api-caller';
import { Caller } from '../http/api-caller.decorator';
import { IncidentService } from './incident.service';

const listQuery = z.strictObject({
  brand: z.string().optional(),
  state: z.enum(['open', 'acknowledged', 'resolved']).optional(),
});
const actorBody = actorOnlyBody;

@ApiTags('incidents')
@Controller('api/v1/incidents')
export class IncidentsController {
  constructor(
    private readonly incidents: IncidentService,
    private readonly actors: ActingPersonResolver,
  ) {}

  @Get()
  @ApiBearerAuth()
  @ApiAccess('incidents:read', { query: 'brand' })
  @ApiOperation({ summary: 'Unresolved incidents (or those in `state`), newest first.' })
  list(@Query({ schema: listQuery }) query: z.output<typeof listQuery>, @Caller() caller: ApiCaller) {
    return this.incidents.list({ ...query, brands: caller.brandFilter });
  }

  @Post(':id/acknowledge')
  @ApiBearerAuth()
  @ApiAccess('incidents:write', { subject: 'incident', param: 'id' })
  @ApiOperation({ summary: 'Acknowledge: escalation stops; the incident stays open until resolved.' })
  acknowledge(
    @Param('id') id: string,
    @Body({ schema: actorBody }) body: z.output<typeof actorBody>,
    @Caller() caller: ApiCaller,
  ) {
    const by = this.actors.resolve(caller, body.onBehalfOf, 'person-or-service');
    return this.incidents.acknowledge(id, by);
  }

  @Post(':id/resolve')
  @ApiBearerAuth()
  @ApiAccess('incidents:write', { subject: 'incident', param: 'id' })
  @ApiOperation({ summary: 'Resolve: the rule may fire again for the same subject afterwards.' })
  resolve(
    @Param('id') id: string,
    @Body({ schema: actorBody }) body: z.output<typeof actorBody>,
    @Caller() caller: ApiCaller,
  ) {
    const by = this.actors.resolve(caller, body.onBehalfOf, 'person-or-service');
    return this.incidents.resolve(id, by);
  }
}
