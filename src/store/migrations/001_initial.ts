// 001: the whole first schema, generated from the declarations (until the first release the declarations
// may still grow; migrate.ts adds their new nullable columns, see syncDeclaredColumns).
import type { Migration } from './index.js';
import { ENTITIES } from '../../metrics/definitions.js';
import { CHANGE_LOG_DDL, CLUSTER_DDL, JSONB_DIFF_FUNCTION, SCHEMA, kindTableDdl, metricTableDdl } from '../schema.js';

export const initial: Migration = {
  version: 1,
  name: 'initial schema: cluster, kind tables, change_log, metric tables',
  statements: (ctx) => [
    `CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`,
    CLUSTER_DDL,
    ...CHANGE_LOG_DDL,
    JSONB_DIFF_FUNCTION,
    ...ctx.kinds.flatMap(kindTableDdl),
    ...ENTITIES.flatMap(metricTableDdl),
  ],
};
