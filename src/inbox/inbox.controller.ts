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
import { z } from 'zod';
import { InboxError, InboxService } from './inbox.service';

const listQuery = z.strictObject({
  brand: z.string().optional(),
  state: z.enum(['new', 'answered', 'escalated', 'ignored']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
const actorBody = z.strictObject({ by: z.string().min(1) });

@ApiTags('inbox')
@Controller('api/v1/inbox')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Get()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Comments, mentions and messages waiting for an answer (or those in `state`), newest first.',
  })
  list(@Query({ schema: listQuery }) query: z.output<typeof listQuery>) {
    return this.inbox.list(query);
  }

  @Post(':id/answer')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Record that the item was answered on the platform (stops its SLA clock).' })
  answer(@Param('id') id: string, @Body({ schema: actorBody }) body: z.output<typeof actorBody>) {
    return this.act(() => this.inbox.answer(id, body.by));
  }

  @Post(':id/ignore')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Set the item aside (spam, nothing to answer): it leaves the SLA.' })
  ignore(@Param('id') id: string, @Body({ schema: actorBody }) body: z.output<typeof actorBody>) {
    return this.act(() => this.inbox.ignore(id, body.by));
  }

  private async act<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof InboxError) {
        throw error.message.startsWith('no inbox item')
          ? new NotFoundException(error.message)
          : new BadRequestException(error.message);
      }
      throw error;
    }
  }
}
