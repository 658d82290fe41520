import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ActingPersonResolver } from '../http/acting-person.resolver';
import { actorOnlyBody } from '../http/acting-person.schema';
import { ApiAccess } from '../http/api-access.decorator';
import type { ApiCaller } from '../http/api-caller';
import { Caller } from '../http/api-caller.decorator';
import { InboxService } from './inbox.service';

const listQuery = z.strictObject({
  brand: z.string().optional(),
  state: z.enum(['new', 'answered', 'escalated', 'ignored']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
const actorBody = actorOnlyBody;

@ApiTags('inbox')
@Controller('api/v1/inbox')
export class InboxController {
  constructor(
    private readonly inbox: InboxService,
    private readonly actors: ActingPersonResolver,
  ) {}

  @Get()
  @ApiBearerAuth()
  @ApiAccess('inbox:read', { query: 'brand' })
  @ApiOperation({
    summary: 'Comments, mentions and messages waiting for an answer (or those in `state`), newest first.',
  })
  list(@Query({ schema: listQuery }) query: z.output<typeof listQuery>, @Caller() caller: ApiCaller) {
    return this.inbox.list({ ...query, brands: caller.brandFilter });
  }

  @Post(':id/answer')
  @ApiBearerAuth()
  @ApiAccess('inbox:write', { subject: 'inbox-item', param: 'id' })
  @ApiOperation({ summary: 'Record that the item was answered on the platform (stops its SLA clock).' })
  answer(
    @Param('id') id: string,
    @Body({ schema: actorBody }) body: z.output<typeof actorBody>,
    @Caller() caller: ApiCaller,
  ) {
    const by = this.actors.resolve(caller, body.onBehalfOf, 'person-or-service');
    return this.inbox.answer(id, by);
  }

  @Post(':id/ignore')
  @ApiBearerAuth()
  @ApiAccess('inbox:write', { subject: 'inbox-item', param: 'id' })
  @ApiOperation({ summary: 'Set the item aside (spam, nothing to answer): it leaves the SLA.' })
  ignore(
    @Param('id') id: string,
    @Body({ schema: actorBody }) body: z.output<typeof actorBody>,
    @Caller() caller: ApiCaller,
  ) {
    const by = this.actors.resolve(caller, body.onBehalfOf, 'person-or-service');
    return this.inbox.ignore(id, by);
  }
}
