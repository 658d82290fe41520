import { Get, Param, Query, Req } from '@nestjs/common';
import { z } from 'zod';
import { ConfigService } from '../../config/config.service';
import { WebViews } from '../rendering/web-views';
import { WebAccess, WebController } from '../web-access.decorator';
import type { WebRequest } from '../web-user';
import { CalendarService } from './calendar.service';

const field = z.string().max(200).optional();
const calendarQuery = z.object({
  view: z.enum(['month', 'week']).optional().catch(undefined),
  date: field,
  channel: field,
  campaign: field,
  theme: field,
  state: field,
  brand: field,
});

/** The calendar: one brand's month or week, and the agency view of all the person's brands. */
@WebController()
export class CalendarController {
  constructor(
    private readonly views: WebViews,
    private readonly config: ConfigService,
    private readonly calendar: CalendarService,
  ) {}

  @WebAccess('view')
  @Get('calendar')
  async agency(
    @Req() request: WebRequest,
    @Query({ schema: calendarQuery }) query: z.output<typeof calendarQuery>,
  ): Promise<string> {
    const user = request.webUser!;
    const model = await this.calendar.model(user.brandsWhere('view'), query, {
      agency: true,
      basePath: '/calendar',
    });
    return this.views.page(
      request,
      'calendar',
      { title: `Calendar: ${model.range.heading}`, screen: 'calendar', styles: ['calendar'] },
      {
        ...model,
        brandLinks: user.brandsWhere('view').map((id) => ({
          id,
          name: this.config.loaded.config.brands[id].name,
          href: `/brands/${encodeURIComponent(id)}/calendar`,
        })),
      },
    );
  }

  @WebAccess('view', 'brand')
  @Get('brands/:brand/calendar')
  async brand(
    @Req() request: WebRequest,
    @Param('brand') brandId: string,
    @Query({ schema: calendarQuery }) query: z.output<typeof calendarQuery>,
  ): Promise<string> {
    const user = request.webUser!;
    const brand = this.config.loaded.config.brands[brandId];
    const model = await this.calendar.model([brandId], query, {
      agency: false,
      basePath: `/brands/${encodeURIComponent(brandId)}/calendar`,
    });
    return this.views.page(
      request,
      'calendar',
      { title: `${brand.name}: ${model.range.heading}`, screen: 'calendar', styles: ['calendar'] },
      {
        ...model,
        brandId,
        canEdit: user.can(brandId, 'edit'),
        composeHref: `/brands/${encodeURIComponent(brandId)}/posts/new`,
      },
    );
  }
}
