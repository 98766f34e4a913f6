import type { NodeSample } from './sample.js';
export function renderCadvisor(_s: NodeSample): string {
  return '';
}
