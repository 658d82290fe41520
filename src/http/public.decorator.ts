import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'metronome:public';

/** Marks a route that answers without an API token. Only the health check should need it. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
