// LIST with limit/continue chunking, resourceVersion / resourceVersionMatch checks and selectors.
// Pages are serialised item by item into the response so a 150,000-pod list never exists as one string.
import type { SimStore, SimObject } from '../model/store.js';
import { fieldOf, lowerBound, serializeObject } from '../model/store.js';
import type { ResourceDef } from '../model/resources.js';
import { groupVersion } from '../model/resources.js';
import { ApiError, badRequest, expiredContinue } from './status.js';
import { parseFieldSelector, parseLabelSelector, fieldsMatch } from './selectors.js';
import type { BodySink } from './sink.js';
import { tableColumns, tableRow } from './table.js';

export interface ListRequest {
  def: ResourceDef;
  resource: string;
  namespace?: string;
  query: URLSearchParams;
  /** Answer as a meta.k8s.io/v1 Table (kubectl get). */
  table?: boolean;
}

interface ContinueToken { rv: number; start: string }

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64url');
}

export function decodeContinue(token: string): ContinueToken {
  try {
    const j = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv?: unknown; start?: unknown };
    if (typeof j.rv !== 'number' || typeof j.start !== 'string') throw new Error('shape');
    return { rv: j.rv, start: j.start };
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

export function supportedFields(def: ResourceDef): string[] {
  return ['metadata.name', 'metadata.namespace', ...(def.fields ?? [])];
}

export function selectorsOf(req: ListRequest): (obj: SimObject) => boolean {
  const labels = parseLabelSelector(req.query.get('labelSelector'));
  const fields = parseFieldSelector(req.query.get('fieldSelector'), supportedFields(req.def), req.def.kind);
  return (obj) => labels(obj.metadata.labels) && fieldsMatch(fields, (p) => fieldOf(obj, p));
}

function parseLimit(text: string | null): number {
  if (text === null || text === '') return 0;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`invalid limit "${text}": must be a non-negative integer`);
  return n;
}

/** Checks resourceVersion / resourceVersionMatch as the apiserver does (list semantics, §2.2). */
function checkResourceVersion(store: SimStore, query: URLSearchParams): void {
  const rvText = query.get('resourceVersion');
  const match = query.get('resourceVersionMatch');
  if (match && match !== 'Exact' && match !== 'NotOlderThan') throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  if (match && !rvText) throw new ApiError(422, 'Invalid', 'resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (match && query.get('continue')) throw new ApiError(422, 'Invalid', 'resourceVersionMatch is forbidden when continue is provided');
  if (!rvText || rvText === '0') return;
  const rv = Number(rvText);
  if (!Number.isInteger(rv) || rv < 0) throw badRequest(`invalid resource version "${rvText}"`);
  if (rv > store.resourceVersion) throw new ApiError(504, 'Timeout', `Too large resource version: ${rv}, current: ${store.resourceVersion}`, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 });
  // An exact read (explicit, or the legacy rule: RV with limit) of a compacted revision is gone.
  const exact = match === 'Exact' || (!match && query.get('limit'));
  if (exact && rv <= store.compactedRv) throw new ApiError(410, 'Expired', `The resourceVersion for the provided list is too old.`);
}

export async function serveList(store: SimStore, req: ListRequest, sink: BodySink): Promise<void> {
  checkResourceVersion(store, req.query);
  const matches = selectorsOf(req);
  const limit = parseLimit(req.query.get('limit'));
  const keys = store.keys(req.resource);
  const prefix = req.namespace ? `${req.namespace}/` : '';
  let listRv = store.resourceVersion;
  let start = lowerBound(keys, prefix);
  const cont = req.query.get('continue');
  if (cont) {
    const token = decodeContinue(cont);
    if (token.rv < store.compactedRv) throw expiredContinue();
    // Every page shares the first page's resourceVersion (a consistent snapshot on a real server).
    listRv = token.rv;
    start = lowerBound(keys, token.start);
  }
  const page: SimObject[] = [];
  let i = start;
  for (; i < keys.length; i++) {
    const key = keys[i];
    if (prefix && !key.startsWith(prefix)) break;
    const obj = store.byKey(req.resource, key)!;
    if (!matches(obj)) continue;
    if (limit > 0 && page.length === limit) break;
    page.push(obj);
  }
  let more = false;
  if (limit > 0 && page.length === limit) {
    for (let j = i; j < keys.length; j++) {
      if (prefix && !keys[j].startsWith(prefix)) break;
      if (matches(store.byKey(req.resource, keys[j])!)) {
        more = true;
        break;
      }
    }
  }
  const metadata: Record<string, unknown> = { resourceVersion: String(listRv) };
  if (more) {
    const last = page[page.length - 1].metadata;
    metadata.continue = encodeContinue({ rv: listRv, start: (last.namespace ? `${last.namespace}/${last.name}` : last.name) + '\u0000' });
    const selectors = req.query.get('labelSelector') || req.query.get('fieldSelector');
    if (!selectors && !prefix) metadata.remainingItemCount = keys.length - i;
  }
  if (req.table) {
    const includeObject = req.query.get('includeObject');
    const now = Date.now();
    await sink.write(`{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":${JSON.stringify(metadata)},"columnDefinitions":${JSON.stringify(tableColumns(req.def))},"rows":[`);
    for (let k = 0; k < page.length; k++) await sink.write((k ? ',' : '') + JSON.stringify(tableRow(req.def, page[k], includeObject, now)));
    await sink.end(']}');
    return;
  }
  await sink.write(`{"kind":"${req.def.kind}List","apiVersion":"${groupVersion(req.def)}","metadata":${JSON.stringify(metadata)},"items":[`);
  const BATCH = 200;
  for (let b = 0; b < page.length; b += BATCH) {
    const parts: string[] = [];
    for (let k = b; k < Math.min(page.length, b + BATCH); k++) parts.push(serializeObject(page[k]));
    await sink.write((b === 0 ? '' : ',') + parts.join(','));
  }
  await sink.end(']}');
}
