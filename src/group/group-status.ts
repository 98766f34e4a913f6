// The collector group as /api/status reports it (group.ts builds it). A module of types alone: the
// viewer's bundle type-checks against it without pulling in the server side.

export interface GroupStatus {
  memberId: string;
  name: string;
  /** True when this member could not heartbeat in time and stopped collecting (until it can again). */
  fenced: boolean;
  heartbeatIntervalS: number;
  ttlS: number;
  /** Seconds since this member's last successful heartbeat (local clock). */
  lastHeartbeatAgeS: number | null;
  lastError: string | null;
  /** Leases this member acquired from a member that had not released them. */
  takeovers: number;
  members: Array<{
    id: string; name: string; host: string; pid: number; httpAddress: string; alive: boolean; heartbeatAgeS: number;
    startedAt: string; clusters: string[]; ownedNodes: Record<string, number>; inventory: string[];
  }>;
  leases: Array<{ cluster: string; holder: string | null; holderName: string | null; token: string; heldForS: number | null; expiresInS: number; takeovers: number }>;
  /** How many nodes this member scrapes per cluster, and their names (at most 1,000 each). */
  ownedNodes: Record<string, number>;
  nodes: Record<string, string[]>;
}
