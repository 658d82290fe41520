import { Global, Module } from '@nestjs/common';
import { Clock, SYSTEM_CLOCK } from './clock';

/** Provides the Clock to every module; tests override it with a FakeClock (`overrideProvider(Clock)`). */
@Global()
@Module({ providers: [{ provide: Clock, useValue: SYSTEM_CLOCK }], exports: [Clock] })
export class ClockModule {}
