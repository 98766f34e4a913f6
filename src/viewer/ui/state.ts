// Page state lives in the URL hash (#/page?key=value…) so a view can be shared; the bearer token, when
// the page was opened with ?token=…, is kept in sessionStorage and removed from the visible URL.
export interface Route {
  page: string;
  params: URLSearchParams;
}

export function currentRoute(): Route {
  const raw = location.hash.replace(/^#\/?/, '');
  const [page, query] = raw.split('?', 2);
  return { page: page || 'overview', params: new URLSearchParams(query ?? '') };
}

/** The time range of the URL, kept by every link: read once per URL (a table draws a link per row). */
let kept: { hash: string; params: Array<[string, string]> } = { hash: '\u0000', params: [] };
function keptParams(): Array<[string, string]> {
  if (kept.hash !== location.hash) {
    const cur = currentRoute().params;
    kept = { hash: location.hash, params: ['range', 'from', 'to'].filter((k) => cur.get(k)).map((k) => [k, cur.get(k)!]) };
  }
  return kept.params;
}

export function href(page: string, params: Record<string, string | undefined | null> = {}, keep = true): string {
  const p = new URLSearchParams();
  // The time range follows the user from page to page.
  if (keep) for (const [k, v] of keptParams()) p.set(k, v);
  for (const [k, v] of Object.entries(params)) if (v) p.set(k, v); else p.delete(k);
  const q = p.toString();
  return `#/${page}${q ? `?${q}` : ''}`;
}

/** Changes some parameters of the current page. */
export function setParams(changes: Record<string, string | undefined | null>): void {
  const r = currentRoute();
  for (const [k, v] of Object.entries(changes)) if (v) r.params.set(k, v); else r.params.delete(k);
  const q = r.params.toString();
  location.hash = `#/${r.page}${q ? `?${q}` : ''}`;
}

let token = '';
export function initToken(): void {
  const u = new URL(location.href);
  const t = u.searchParams.get('token');
  if (t) {
    sessionStorage.setItem('kubepulse-token', t);
    u.searchParams.delete('token');
    history.replaceState(null, '', u.pathname + u.search + u.hash);
  }
  token = sessionStorage.getItem('kubepulse-token') ?? '';
}

export function withToken(path: string): string {
  return token ? `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}` : path;
}

class ApiError extends Error {}

export async function api<T>(path: string, params: Record<string, string | number | undefined | null> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const qs = q.toString();
  const res = await fetch(`${path}${qs ? `?${qs}` : ''}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const body: unknown = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) throw new ApiError(`${res.status}: ${errorText(body) ?? res.statusText}`);
  // the server's JSON for this path: api.ts on the server side gives its shape, the caller names it as T
  return body as T;
}

function errorText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  return typeof body.error === 'string' ? body.error : undefined;
}
