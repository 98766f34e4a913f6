// Every kind the inventory collects. Adding a kind is adding its file and one line here.
import type { KindDef } from '../kind.js';
import { namespaceKind } from './namespace.js';
import { nodeKind } from './node.js';
import { podKind } from './pod.js';

export const ALL_KINDS: KindDef[] = [namespaceKind, nodeKind, podKind];

export function kindByName(name: string): KindDef | undefined {
  return ALL_KINDS.find((k) => k.name === name);
}
