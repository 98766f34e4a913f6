// /metrics/resource as the fallback of a failing Summary API. The summary can be refused (kubelet
// authorization of nodes/stats), time out on a node with many pods, or come back broken, while the small
// resource endpoint still answers: then the node keeps its CPU, memory and swap rows. The summary's failure
// is still reported (the scrape fails with a message saying the fallback was stored), and a 429 is not
// worked around: its Retry-After applies to the whole kubelet.
import { HttpError } from '../cluster/connection.js';
import type { KubeletSource } from './kubelet-fetch.js';

export interface FallbackDeps {
  fetch: (node: string, source: KubeletSource, signal: AbortSignal) => Promise<Buffer>;
  /** Decodes and stores one payload (throws on a payload it cannot decode). */
  ingest: (node: string, source: KubeletSource, body: Buffer) => Promise<void>;
}

/** Whether a failed summary scrape should be replaced by /metrics/resource. */
function fallsBackToResource(err: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return false; // timed out or stopping: no budget left for a second request
  if (err instanceof HttpError && err.status === 429) return false;
  return true;
}

/**
 * Scrapes the summary of a node and stores it; when that fails (and the failure allows it), scrapes and
 * stores /metrics/resource instead, then throws the summary's error extended with what was stored.
 */
export async function scrapeSummaryWithFallback(node: string, signal: AbortSignal, deps: FallbackDeps): Promise<void> {
  try {
    await deps.ingest(node, 'summary', await deps.fetch(node, 'summary', signal));
    return;
  } catch (summaryErr) {
    if (!fallsBackToResource(summaryErr, signal)) throw summaryErr;
    const why = (summaryErr as Error).message;
    try {
      await deps.ingest(node, 'resource', await deps.fetch(node, 'resource', signal));
    } catch (resourceErr) {
      throw new Error(`${why}; /metrics/resource fallback failed too: ${(resourceErr as Error).message}`, { cause: resourceErr });
    }
    throw new SummaryFallbackError(`${why}; stored /metrics/resource instead`);
  }
}

/** The summary failed but /metrics/resource was stored in its place. */
export class SummaryFallbackError extends Error {
  override name = 'SummaryFallbackError';
}
