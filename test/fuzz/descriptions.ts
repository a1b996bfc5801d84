/** Short texts for case labels and failure reports. */

export function excerpt(text: string, max = 400): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

/** Any value (a row, a response body, an error) as a short line of JSON. */
export function summary(value: unknown): string {
  return excerpt(JSON.stringify(value) ?? 'undefined', 200);
}

/** A value's type, or the value itself when it is short: what a label says about an argument. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return value.length > 24 ? `string(${value.length})` : JSON.stringify(value);
  if (typeof value === 'object') return 'object';
  return `${typeof value} ${String(value)}`;
}
