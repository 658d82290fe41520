import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { Clock } from '../clock/clock';
import { ConfigService } from '../config/config.service';
import type { ReportEntity } from './report.entity';
import { ApiAccess } from '../http/api-access.decorator';
import type { ApiCaller } from '../http/api-caller';
import { Caller } from '../http/api-caller.decorator';
import { ReportRepository } from './report.repository';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const monthSchema = z.string().regex(MONTH, { error: 'write the month as YYYY-MM, e.g. 2026-10' });
const listQuery = z.strictObject({ brand: z.string().optional(), month: monthSchema.optional() });
const renderBody = z.strictObject({ brand: z.string().min(1), month: monthSchema });

const DEFAULT_TEMPLATE = 'standard';

function view(row: ReportEntity) {
  return {
    id: row.id,
    brand: row.brandId,
    month: row.month,
    template: row.template,
    status: row.status,
    bytes: row.bytes,
    createdAt: row.createdAt.toISOString(),
    renderedAt: row.renderedAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    deliveryAttempts: row.deliveryAttempts,
    nextDeliveryAt: row.nextDeliveryAt?.toISOString() ?? null,
    /** Why the last render or delivery failed; null when it did not. */
    error: row.error,
  };
}

/**
 * Stored monthly reports: list, download, and ask for a render. A render requested here is done by a
 * worker (the report scheduler renders `pending` rows every minute), because the api role runs no
 * Chromium; poll the list until the report is `rendered`. It is not delivered: delivery follows the
 * brand's schedule, or `metronome report --deliver`.
 */
@ApiTags('reports')
@Controller('api/v1/reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportRepository,
    private readonly config: ConfigService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @ApiBearerAuth()
  @ApiAccess('reports:read', { query: 'brand' })
  @ApiOperation({ summary: 'Stored reports, newest month first; filter by `brand` and `month` (YYYY-MM).' })
  async list(@Query({ schema: listQuery }) query: z.output<typeof listQuery>, @Caller() caller: ApiCaller) {
    return (await this.reports.list({ ...query, brands: caller.brandFilter })).map(view);
  }

  @Get(':id/pdf')
  @ApiBearerAuth()
  @ApiAccess('reports:read', { subject: 'report', param: 'id' })
  @ApiProduces('application/pdf')
  @ApiOperation({ summary: 'Download the PDF (`<brand>-<month>.pdf`); 404 while it is not rendered.' })
  async download(@Param('id') id: string): Promise<StreamableFile> {
    const row = await this.reports.byId(id);
    if (!row) {
      throw new NotFoundException(`no report with id ${id}: see GET /api/v1/reports`);
    }
    if (!row.filePath || !row.renderedAt) {
      throw new NotFoundException(
        `report ${row.brandId} ${row.month} is not rendered (status ${row.status}${row.error ? `: ${row.error}` : ''}); ` +
          `request a render with POST /api/v1/reports`,
      );
    }
    let pdf: Buffer;
    try {
      pdf = await readFile(row.filePath);
    } catch {
      throw new NotFoundException(
        `the PDF of report ${row.brandId} ${row.month} is missing from ${row.filePath}; render it again with POST /api/v1/reports`,
      );
    }
    return new StreamableFile(pdf, {
      type: 'application/pdf',
      disposition: `attachment; filename="${row.brandId}-${row.month}.pdf"`,
      length: pdf.byteLength,
    });
  }

  @Post()
  @HttpCode(202)
  @ApiBearerAuth()
  @ApiAccess('reports:write', { body: 'brand' })
  @ApiOperation({
    summary:
      'Ask a worker to render a brand’s report for a month (202, status `pending`); it is rendered within a minute, not delivered.',
  })
  async request(@Body({ schema: renderBody }) body: z.output<typeof renderBody>) {
    const brand = this.config.loaded.config.brands[body.brand];
    if (!brand) {
      throw new BadRequestException(
        `unknown brand "${body.brand}" (brands: ${Object.keys(this.config.loaded.config.brands).join(', ')})`,
      );
    }
    const row = await this.reports.requestRender(
      body.brand,
      body.month,
      brand.reports?.template ?? DEFAULT_TEMPLATE,
      this.clock.now(),
    );
    return view(row);
  }
}
