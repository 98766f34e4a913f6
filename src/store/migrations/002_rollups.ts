// 002: 1-minute and 1-hour rollup tables per metric entity, and the rollup progress table.
import type { Migration } from './index.js';
import { ENTITIES } from '../../metrics/definitions.js';
import { RESOLUTIONS, ROLLUP_STATE_DDL, rollupTableDdl } from '../rollup-schema.js';

export const rollups: Migration = {
  version: 2,
  name: 'rollup tables (1m, 1h) and rollup_state',
  statements: () => [ROLLUP_STATE_DDL, ...ENTITIES.flatMap((e) => RESOLUTIONS.flatMap((r) => rollupTableDdl(e, r)))],
};
