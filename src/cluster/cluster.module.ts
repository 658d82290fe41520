import { Global, Module } from '@nestjs/common';
import { ClusterLease } from './cluster-lease.service';

/** Leases for cluster-wide periodic work, available to every feature. */
@Global()
@Module({ providers: [ClusterLease], exports: [ClusterLease] })
export class ClusterModule {}
