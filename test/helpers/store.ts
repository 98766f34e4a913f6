// A migrated test database with a pool and one registered cluster: the set-up most store tests share.
import { before, after } from 'node:test';
import type pg from 'pg';
import { startTestDatabase, type TestDatabase } from './pg.js';
import { migrate } from '../../src/store/migrate.js';
import { createPool } from '../../src/store/pool.js';
import { ensureCluster } from '../../src/store/clusters.js';

export interface MigratedStore {
  db: TestDatabase;
  pool: pg.Pool;
  clusterId: number;
}

/**
 * Registers before/after hooks; the returned object is filled once `before` has run. Without a cluster
 * name no cluster is registered (clusterId 0), for tests that register their own.
 */
export function useMigratedStore(clusterName?: string): MigratedStore {
  const s = {} as MigratedStore;
  before(async () => {
    s.db = await startTestDatabase();
    await migrate(s.db.url);
    s.pool = createPool(s.db.url, { max: 4 });
    s.clusterId = clusterName === undefined ? 0 : await ensureCluster(s.pool, clusterName);
  });
  after(async () => {
    await s.pool?.end();
    await s.db?.stop();
  });
  return s;
}
