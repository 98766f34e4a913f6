// Query parameters as the apiserver reads them.

/**
 * A boolean query parameter as the apiserver converts it (apimachinery's Convert_Slice_string_To_bool):
 * absent is false, "0" and "false" in any case are false, anything else is true, so clients' `true`,
 * `True` (the Python client) and `1` all mean true.
 */
export function queryBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v !== null && v !== '0' && v.toLowerCase() !== 'false';
}
