/**
 * Canonical JSON for figure files: object keys sorted at every depth, so that the same figure
 * always serialises to the same bytes whatever order its builder inserted keys in.
 *
 * @module
 */

/** Serialises `value` with sorted keys; `indent` as in `JSON.stringify`. */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, sortKeys, indent);
}

function sortKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const source = value as Record<string, unknown>;
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(source).sort()) sorted[k] = source[k];
  return sorted;
}

/**
 * Canonical JSON that is safe inside an HTML `<script>` element: `<`, `>`, `&` and the two
 * JavaScript line terminators are escaped, so a label such as `</script>` cannot end the script.
 */
export function scriptSafeJson(value: unknown): string {
  return canonicalJson(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
