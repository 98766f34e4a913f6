// The decode stage: one kubelet payload to metric rows by its source's decoder (pure: bytes in, rows out),
// with the counters' start times (for the rates) and the fields no definition maps (for the report).
import type { MetricRows } from '../metrics/definitions.js';
import { decodeSummary } from '../metrics/sources/summary.js';
import { decodeCadvisorText } from '../metrics/sources/cadvisor.js';
import { decodeResource } from '../metrics/sources/resource.js';
import type { StartTimes } from '../metrics/sources/decode-util.js';
import type { IngestInput } from './pipeline.js';
import { toApiPodUids } from './static-pod-uids.js';

export interface Decoded {
  rows: MetricRows;
  startTimes: StartTimes;
  unmapped: string[];
}

export function decodePayload(input: IngestInput): Decoded {
  const d = decodeSource(input);
  if (input.apiPodUid) toApiPodUids(d, input.apiPodUid);
  return d;
}

function decodeSource(input: IngestInput): Decoded {
  switch (input.source) {
    case 'summary':
      return decodeSummary(input.body, { scrapeTime: input.scrapedAt });
    case 'cadvisor':
      return decodeCadvisorText(input.body, { nodeName: input.node, scrapeTime: input.scrapedAt, summaryCollected: input.summaryCollected });
    case 'resource':
      return decodeResource(input.body, { nodeName: input.node, scrapeTime: input.scrapedAt, resolvePodUid: input.resolvePodUid });
  }
}
