import { Get, Req } from '@nestjs/common';
import { ConfigService } from '../../config/config.service';
import { ROLE_LABELS } from '../../access/brand-permission';
import { WebViews } from '../rendering/web-views';
import { WebAccess, WebController } from '../web-access.decorator';
import type { WebRequest } from '../web-user';

/** Today: what waits on the signed-in person, and their brands. */
@WebController()
export class TodayController {
  constructor(
    private readonly views: WebViews,
    private readonly config: ConfigService,
  ) {}

  @WebAccess('signed-in')
  @Get()
  today(@Req() request: WebRequest): string {
    const user = request.webUser!;
    const brands = this.config.loaded.config.brands;
    return this.views.page(
      request,
      'today',
      { title: 'Today', screen: 'today' },
      {
        brands: user.brands.map((id) => ({
          id,
          name: brands[id].name,
          roles: user
            .rolesOn(id)
            .map((role) => ROLE_LABELS[role])
            .join(', '),
        })),
      },
    );
  }
}
