// How one Kubernetes kind maps to its current-state table. Each file in kinds/ declares one KindDef; the
// informer (list + watch), the SQL schema and docs/SCHEMA.md all read the same declaration.
import type { SqlType } from '../metrics/definitions.js';

/** A Kubernetes object as the API returns it (only metadata is assumed). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
    managedFields?: unknown;
    [k: string]: unknown;
  };
  spec?: any;
  status?: any;
  [k: string]: unknown;
}

export type ColumnValue = string | number | boolean | Date | null | object;

export interface KindColumn {
  column: string;
  sqlType: SqlType | 'jsonb' | 'boolean';
  description: string;
  /** Pure: reads the value from the object. Missing → null. */
  value: (obj: KubeObject) => ColumnValue;
}

/** A child table filled from each object (pod → container rows). */
export interface ChildTable {
  table: string;
  /** Key columns after cluster_id and the parent uid, e.g. ['container']. */
  keys: string[];
  columns: Array<Omit<KindColumn, 'value'>>;
  rows: (obj: KubeObject) => Array<Record<string, ColumnValue>>;
  description: string;
}

export interface KindDef {
  /** Short name used in config (`kinds.pods = false`) and in the change log: 'pod', 'node' … */
  name: string;
  /** API list path: '/api/v1/pods', '/apis/apps/v1/deployments'. */
  listPath: string;
  kind: string;
  namespaced: boolean;
  table: string;
  description: string;
  /** Typed columns beyond the common ones (cluster_id, uid, name, namespace, labels, annotations, …). */
  columns: KindColumn[];
  children?: ChildTable[];
  /**
   * Returns a copy of the object safe to store (env values, secrets stripped; managedFields dropped).
   * Defaults to dropping managedFields only.
   */
  sanitize?: (obj: KubeObject) => KubeObject;
}
