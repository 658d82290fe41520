import { Global, Module } from '@nestjs/common';
import { PluginContextFactory } from './plugin-context.factory';

/** Gives features what they need to instantiate plugins: the context factory (state, HTTP, logger, clock). */
@Global()
@Module({ providers: [PluginContextFactory], exports: [PluginContextFactory] })
export class PluginHostModule {}
