// Events as readable rows: the message gets the width that is left (full text in a tooltip), the involved
// object links to its page. Used by the events page and by the node and pod pages for their own events.
import { age, h } from './dom.js';
import { href } from './state.js';

export interface EventRow {
  cluster: string; namespace: string | null; type: string; reason: string; message: string | null; involvedKind: string | null;
  involvedNamespace: string | null; involvedName: string | null; count: number | null; lastTime: string | null;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

/** The viewer page of an event's involved object, or null when the viewer has none for its kind. */
function objectHref(e: EventRow): string | null {
  const name = e.involvedName;
  if (!name) return null;
  const namespace = e.involvedNamespace ?? e.namespace;
  if (e.involvedKind === 'Pod') return href('pod', { cluster: e.cluster, namespace, name });
  if (e.involvedKind === 'Node') return href('node', { cluster: e.cluster, name });
  if (e.involvedKind && WORKLOAD_KINDS.has(e.involvedKind)) return href('pods', { cluster: e.cluster, namespace, workload: name });
  // A ReplicaSet is named after its Deployment plus a template hash; its pods carry the Deployment's name.
  if (e.involvedKind === 'ReplicaSet') return href('pods', { cluster: e.cluster, namespace, workload: name.replace(/-[a-z0-9]{5,10}$/, '') });
  return null;
}

/** One event as a row of the `.events` grid (six cells, always all six so the message keeps its column). */
export function eventRow(e: EventRow, showCluster = true): HTMLElement {
  const object = `${e.involvedKind?.toLowerCase() ?? ''}/${e.involvedName ?? ''}`;
  const where = [showCluster ? e.cluster : null, e.involvedNamespace ?? e.namespace].filter(Boolean).join(' · ');
  const link = objectHref(e);
  const objectText = `${where ? `${where} · ` : ''}${object}`;
  return h('div', { class: `event ${e.type === 'Warning' ? 'warning' : ''}` },
    h('span', { class: 'ev-type' }, e.type),
    h('span', { class: 'ev-age muted', title: e.lastTime ?? '' }, age(e.lastTime)),
    h('span', { class: 'ev-reason strong', title: e.reason }, e.reason),
    link ? h('a', { class: 'ev-obj', href: link, title: objectText }, objectText) : h('span', { class: 'ev-obj', title: objectText }, objectText),
    h('span', { class: 'ev-count muted' }, e.count && e.count > 1 ? `×${e.count}` : ''),
    h('span', { class: 'ev-msg', title: e.message ?? '' }, e.message ?? ''));
}
