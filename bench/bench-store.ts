// The database the history benchmarks write into: an embedded PostgreSQL of their own, migrated, with one
// cluster and the hourly partition manager the collector's raw tables use.
import type pg from 'pg';
import { ensureCluster } from '../src/store/clusters.js';
import { migrate } from '../src/store/migrate.js';
import { PartitionManager } from '../src/store/partitions.js';
import { createPool } from '../src/store/pool.js';
import { startTestDatabase } from '../test/helpers/pg.js';

export interface BenchStore {
  pool: pg.Pool;
  clusterId: number;
  partitions: PartitionManager;
  close(): Promise<void>;
}

export async function openBenchStore(cluster: string, poolMax: number): Promise<BenchStore> {
  const db = await startTestDatabase();
  const pool = createPool(db.url, { max: poolMax, statementTimeoutMs: 600_000 });
  const close = async () => {
    await pool.end();
    await db.stop();
  };
  try {
    await migrate(db.url);
    return { pool, clusterId: await ensureCluster(pool, cluster), partitions: new PartitionManager(pool, { widthMs: 3_600_000 }), close };
  } catch (err) {
    await close();
    throw err;
  }
}
