// Kubernetes resource quantities ("500m", "1.5Gi", "2e3", "128974848") as plain numbers.
// CPU is stored in millicores, everything else in base units (bytes, count).

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E))?$/;

/** Parses a quantity into its value in base units; throws naming the bad text. */
function parseQuantity(text: string): number {
  const m = QUANTITY.exec(text.trim());
  if (!m) throw new Error(`invalid quantity ${JSON.stringify(text)}`);
  const n = Number(m[1]);
  if (m[2]) return n * BINARY[m[2]];
  if (m[3]) return n * 10 ** Number(m[3].slice(1));
  return n * DECIMAL[m[4] ?? ''];
}

/** Quantity or null when absent or unparseable (an object we cannot read must not stop the inventory). */
export function quantityOrNull(text: unknown): number | null {
  if (typeof text !== 'string' && typeof text !== 'number') return null;
  try {
    return parseQuantity(String(text));
  } catch {
    return null;
  }
}

export function milliCpuOrNull(text: unknown): number | null {
  const v = quantityOrNull(text);
  return v === null ? null : Math.round(v * 1000);
}

export function bytesOrNull(text: unknown): number | null {
  const v = quantityOrNull(text);
  return v === null ? null : Math.round(v);
}
