// How one Kubernetes kind maps to its current-state table. Each file in kinds/ declares one kind, typed
// by @kubernetes/client-node's model of it; the informer (list + watch), the SQL schema and
// docs/SCHEMA.md all read the same declaration.
import type { KubernetesObject, V1ObjectMeta } from '@kubernetes/client-node';
import type { SqlType } from '../metrics/definitions.js';

/**
 * A client-node model as the informer holds it. The informer JSON.parses the API's bytes itself and never
 * runs client-node's ObjectSerializer, so every field the models declare as Date (creationTimestamp,
 * lastTransitionTime, MicroTime …) is still the RFC 3339 string of the wire. Every other field has the
 * same name and shape in both (quantities are strings in both; IntOrString is either in both).
 */
export type Wire<T> = T extends Date
  ? string
  : T extends ReadonlyArray<infer E>
    ? Array<Wire<E>>
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** Metadata as stored: the informer refuses objects without a uid, and the API never serves one unnamed. */
type KubeMeta = Wire<V1ObjectMeta> & { name: string; uid: string };

/** A Kubernetes object of any kind as the API returns it (only metadata is assumed). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: KubeMeta;
  [k: string]: unknown;
}

/** One kind's object as the informer hands it over: the client-node model, wire form, with KubeMeta. */
export type WireObject<T extends KubernetesObject> = Omit<Wire<T>, 'metadata'> & { metadata: KubeMeta };

export type ColumnValue = string | number | boolean | Date | null | object;

export interface KindColumn<T extends KubeObject = KubeObject> {
  column: string;
  sqlType: SqlType | 'jsonb' | 'boolean';
  description: string;
  /** Pure: reads the value from the object. Missing → null. */
  value: (obj: T) => ColumnValue;
}

/** A child table filled from each object (pod → container rows). */
export interface ChildTable<T extends KubeObject = KubeObject> {
  table: string;
  /** Key columns after cluster_id and the parent uid, e.g. ['container']. */
  keys: string[];
  columns: Array<Omit<KindColumn, 'value'>>;
  rows: (obj: T) => Array<Record<string, ColumnValue>>;
  description: string;
}

/**
 * A kind: where to list it and how its objects (of type T) become columns. The collector, the store and
 * the migrations hold every kind as KindDef (T = KubeObject); defineKind erases the type.
 */
export interface KindDef<T extends KubeObject = KubeObject> {
  /** Short name used in config (`kinds.pods = false`) and in the change log: 'pod', 'node' … */
  name: string;
  /** API list path: '/api/v1/pods', '/apis/apps/v1/deployments'. */
  listPath: string;
  kind: string;
  namespaced: boolean;
  table: string;
  description: string;
  /** Typed columns beyond the common ones (cluster_id, uid, name, namespace, labels, annotations, …). */
  columns: Array<KindColumn<T>>;
  children?: Array<ChildTable<T>>;
  /**
   * Returns a copy of the object safe to store (env values, secrets stripped; managedFields dropped).
   * Defaults to dropping managedFields only.
   */
  sanitize?: (obj: T) => T;
}

/**
 * A kind's typed declaration as the untyped KindDef everything else holds. Sound because the informer
 * hands a kind only what the API served at that kind's own listPath, i.e. objects of type T (the API's
 * JSON is not validated: a missing field is undefined at run time, which the extractors already allow).
 */
export function defineKind<T extends KubeObject>(def: KindDef<T>): KindDef {
  return def as unknown as KindDef;
}
