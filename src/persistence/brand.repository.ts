import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BrandEntity } from './entities/brand.entity';

/** What the database knows about a brand beyond its configuration. */
@Injectable()
export class BrandRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** When this database first saw the brand; undefined while the configuration has not been recorded. */
  async firstSeenAt(brandId: string): Promise<Date | undefined> {
    const brand = await this.dataSource
      .getRepository(BrandEntity)
      .findOne({ where: { id: brandId }, select: { id: true, firstSeenAt: true } });
    return brand?.firstSeenAt ?? undefined;
  }
}
