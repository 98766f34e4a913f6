// Number formatting as Go's Prometheus text encoder writes it (client_golang expfmt: strconv 'g' with the
// shortest precision, so 8.216887296e+09 and 1.048576e+06, but 479232 and 12852.91696676).

/** Formats a float like Go's strconv.FormatFloat(v, 'g', -1, 64). */
export function goFloat(v: number): string {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e6) return String(v); // JS prints these as plain decimals, like Go's %f branch
  if (Number.isInteger(v) && a < 1e21) {
    // Fast path for large integers (bytes, counts): digits → d.ddd e+XX without trailing zeros.
    const digits = String(a);
    let end = digits.length;
    while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
    const exp = digits.length - 1;
    const mant = end > 1 ? `${digits[0]}.${digits.slice(1, end)}` : digits[0];
    return `${v < 0 ? '-' : ''}${mant}e+${exp < 10 ? '0' : ''}${exp}`;
  }
  const s = v.toExponential(); // shortest round-trip digits, e.g. 1.2e-7, 3.5e+21
  const e = s.indexOf('e');
  const exp = Number(s.slice(e + 1));
  const absExp = Math.abs(exp);
  return `${s.slice(0, e)}e${exp < 0 ? '-' : '+'}${absExp < 10 ? '0' : ''}${absExp}`;
}

/** Escapes a label value for the text format (backslash, double quote, newline). */
export function labelValue(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;
}
