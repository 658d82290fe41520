import { Injectable } from '@nestjs/common';
import { JobEntity } from './job.entity';
import { TransactionContext } from '../persistence/transaction-context';

/** The `jobs` table of the inline queue driver. */
@Injectable()
export class JobRepository {
  constructor(private readonly transactions: TransactionContext) {}

  /** Jobs waiting to run. */
  countWaiting(): Promise<number> {
    return this.transactions.manager.getRepository(JobEntity).countBy({ state: 'waiting' });
  }
}
