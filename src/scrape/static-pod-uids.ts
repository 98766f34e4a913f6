// Static pods: the kubelet reports them (summary, cAdvisor cgroups) under their config hash, the API server
// holds them as mirror pods with another UID. Rows and start times are re-keyed to the API UID here, so a
// static pod's samples join its inventory row like any pod's, and its rate state leaves with the mirror pod.
import type { Entity } from '../metrics/definitions.js';
import type { StartTimes } from '../metrics/sources/decode-util.js';
import type { Decoded } from './decode.js';

/** The entities whose rows carry a pod_uid. */
const POD_KEYED: readonly Entity[] = ['pod', 'container', 'volume', 'interface', 'disk_io'];

/** Re-keys the rows of pods `apiUidOf` knows (static pods) to their mirror pod's UID, in place. */
export function toApiPodUids(d: Decoded, apiUidOf: (kubeletUid: string) => string | undefined): void {
  for (const entity of POD_KEYED) {
    for (const row of d.rows[entity]) {
      const uid = row.pod_uid;
      if (typeof uid !== 'string' || uid === '') continue;
      const api = apiUidOf(uid);
      if (api !== undefined) row.pod_uid = api;
    }
  }
  rekeyStartTimes(d.startTimes, apiUidOf);
}

function rekeyStartTimes(st: StartTimes, apiUidOf: (kubeletUid: string) => string | undefined): void {
  for (const [uid, ms] of [...st.pods]) {
    const api = apiUidOf(uid);
    if (api === undefined) continue;
    st.pods.delete(uid);
    st.pods.set(api, ms);
  }
  for (const [key, ms] of [...st.containers]) {
    const slash = key.indexOf('/');
    const api = apiUidOf(key.slice(0, slash));
    if (api === undefined) continue;
    st.containers.delete(key);
    st.containers.set(`${api}${key.slice(slash)}`, ms);
  }
}
