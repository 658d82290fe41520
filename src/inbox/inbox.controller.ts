import { BadRequestException, Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { BrandAccess } from '../access/brand-access';
import { SubjectBrandsRepository } from '../http/subject-brands.repository';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ActingPersonResolver } from '../http/acting-person.resolver';
import { actionBody, actorOnlyBody } from '../http/acting-person.schema';
import { ApiAccess } from '../http/api-access.decorator';
import type { ApiCaller } from '../http/api-caller';
import { Caller } from '../http/api-caller.decorator';
import { InboxService } from './inbox.service';
import { InboxReplies } from './inbox-replies.service';

const listQuery = z.strictObject({
  brand: z.string().optional(),
  state: z.enum(['new', 'answered', 'escalated', 'ignored']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
const actorBody = actorOnlyBody;
const assignBody = actionBody({
  assignee: z.string().min(1).nullable().meta({
    description: 'The person (a people: id) to answer the item, or null to unassign.',
  }),
});
const replyBody = actionBody({
  text: z.string().min(1).meta({ description: 'The reply, checked against the connector’s text limits.' }),
  send: z.boolean().default(true).meta({
    description:
      'true (default): send now and answer with the outcome; false: leave it to the scheduler’s next inbox round.',
  }),
});

@ApiTags('inbox')
@Controller('api/v1/inbox')
export class InboxController {
  constructor(
    private readonly inbox: InboxService,
    private readonly replies: InboxReplies,
    private readonly actors: ActingPersonResolver,
    private readonly subjects: SubjectBrandsRepository,
    private readonly access: BrandAccess,
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

  @Post(':id/assign')
  @ApiBearerAuth()
  @ApiAccess('inbox:write', { subject: 'inbox-item', param: 'id' })
  @ApiOperation({
    summary:
      'Give the item to a person to answer (null: to nobody); the person must work this brand’s inbox.',
  })
  async assign(
    @Param('id') id: string,
    @Body({ schema: assignBody }) body: z.output<typeof assignBody>,
    @Caller() caller: ApiCaller,
  ) {
    const by = this.actors.resolve(caller, body.onBehalfOf, 'person-or-service');
    if (body.assignee !== null) {
      const brand = await this.subjects.brandOf('inbox-item', id);
      if (brand && !this.access.can(body.assignee, brand, 'inbox')) {
        throw new BadRequestException(
          `assignee: "${body.assignee}" does not work the inbox of "${brand}": give them the community or owner role under brands.${brand}.roles`,
        );
      }
    }
    return this.inbox.assign(id, body.assignee, by);
  }

  @Post(':id/replies')
  @ApiBearerAuth()
  @ApiAccess('inbox:write', { subject: 'inbox-item', param: 'id' })
  @ApiOperation({
    summary:
      'Answer the item on the platform through its channel’s connector, exactly once; the answer shows the reply’s state (sent, pending after a rate limit, failed with the platform’s reason).',
  })
  reply(
    @Param('id') id: string,
    @Body({ schema: replyBody }) body: z.output<typeof replyBody>,
    @Caller() caller: ApiCaller,
  ) {
    const by = this.actors.resolve(caller, body.onBehalfOf, 'person-or-service');
    return this.replies.reply(id, body.text, by, { sendNow: body.send });
  }

  @Get(':id/replies')
  @ApiBearerAuth()
  @ApiAccess('inbox:read', { subject: 'inbox-item', param: 'id' })
  @ApiOperation({ summary: 'The replies written to the item through Metronome, oldest first.' })
  listReplies(@Param('id') id: string) {
    return this.replies.ofItem(id);
  }
}
