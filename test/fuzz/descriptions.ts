/** Short texts for case labels and failure reports. */

export function excerpt(text: string, max = 400): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

/** Any value (a row, a response body, an error) as a short line of JSON. */
export function summary(value: unknown): string {
  const json: unknown = JSON.stringify(value); // undefined for undefined, a function or a symbol, whatever its type says
  return excerpt(typeof json === 'string' ? json : 'undefined', 200);
}

/** A value's type, or the value itself when it is short: what a label says about an argument. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return value.length > 24 ? `string(${value.length})` : JSON.stringify(value);
  if (typeof value === 'object') return 'object';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- every object returned above; a primitive prints as itself
  return `${typeof value} ${String(value)}`;
}
