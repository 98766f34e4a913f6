// The kubelet Summary API document (/stats/summary) as the tests read it from fixtures and the simulator.
// The fields they navigate by are typed; every stats block stays an open record, because the tests compare
// each mapped field by its path and mutate blocks to build payloads the decoder must refuse.
type Stats = Record<string, unknown>;
/** A stats block stamped with its sample time (RFC 3339). */
type TimedStats = Stats & { time: string };

export interface SummaryInterface { name: string; [k: string]: unknown }
interface SummaryNetwork { interfaces?: SummaryInterface[]; [k: string]: unknown }
interface SummaryContainer { name: string; startTime: string; cpu?: TimedStats; memory?: TimedStats; [k: string]: unknown }
interface SummaryVolume { name: string; pvcRef?: { name: string; namespace: string }; [k: string]: unknown }

export interface SummaryPod {
  podRef: { name: string; namespace: string; uid: string };
  startTime: string;
  containers: SummaryContainer[];
  volume?: SummaryVolume[];
  network?: SummaryNetwork;
  cpu?: TimedStats;
  memory?: TimedStats;
  [k: string]: unknown;
}

interface SummaryNode {
  nodeName: string;
  startTime: string;
  cpu: TimedStats;
  memory?: TimedStats;
  systemContainers: SummaryContainer[];
  network?: SummaryNetwork;
  [k: string]: unknown;
}

export interface SummaryDoc { node: SummaryNode; pods: SummaryPod[] }
