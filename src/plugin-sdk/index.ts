/**
 * The Metronome plugin SDK: the only module a plugin imports from the core.
 * Semantic versioning applies to everything exported here; plugins declare the range they support.
 */
export const SDK_VERSION = '2.2.0';

/** The last SDK 1 release: plugins written for 1.x load through an adapter (see plugin-host/sdk1-adapter.ts). */
export const SDK1_COMPAT_VERSION = '1.3.0';

export { z } from 'zod';
export type { StandardSchemaV1 } from '@standard-schema/spec';
export * from './plugin-definition';
export * from './plugin-context';
export * from './connector';
export * from './notifier';
export * from './report-template';
export * from './report-model';
export * from './errors';
export * from './http-helpers';
export * from './network-errors';
export * from './graphemes';
export * from './text-limits';
export * from './thread-split';
export * from './text-rules';
export * from './aspect-ratio';
export * from './header-source';
export * from './image-header';
export * from './mp4-header';
export * from './media-file';
export * from './media-url';
export * from './webhook-secret';
export * from './oauth';
