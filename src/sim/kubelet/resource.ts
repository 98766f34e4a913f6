import type { NodeSample } from './sample.js';
export function renderResource(_s: NodeSample): string {
  return '';
}
