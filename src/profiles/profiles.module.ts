import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { ProfileCheckRepository } from './profile-check.repository';
import { ProfileCheckScheduler } from './profile-check.scheduler';
import { ProfileChecker } from './profile-checker.service';
import { ProfileEnforcer } from './profile-enforcer';

/** Profile drift: live profiles against the declared ones, changed back in enforce mode. Needs the global EventsModule. */
@Module({
  imports: [ChannelsModule],
  providers: [ProfileChecker, ProfileCheckRepository, ProfileEnforcer],
  exports: [ProfileChecker],
})
export class ProfilesModule {}

/** The scheduler role's profile check tick. */
@Module({ imports: [ProfilesModule], providers: [ProfileCheckScheduler] })
export class ProfilesSchedulerModule {}
