import { Global, Module } from '@nestjs/common';
import { ClusterLeaseRepository } from './cluster-lease.repository';
import { ClusterLease } from './cluster-lease.service';

/** Leases for cluster-wide periodic work, available to every feature. */
@Global()
@Module({ providers: [ClusterLeaseRepository, ClusterLease], exports: [ClusterLease] })
export class ClusterModule {}
