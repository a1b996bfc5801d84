import type { IncomingMessage } from 'node:http';

/**
 * A Host header as RFC 9110 §7.2 has it: a host (a registered name, an IPv4 address, or an IP
 * literal in brackets, RFC 3986 §3.2.2) and an optional port.
 */
const VALID_HOST = /^(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+)(?::[0-9]*)?$/;

/**
 * What is wrong with the request's Host header, if anything (RFC 9112 §3.2: a server answers 400
 * to an HTTP/1.1 request without one, with several, or with an invalid one). HTTP/1.0 requests
 * may leave it out.
 */
export function hostProblem(request: IncomingMessage): 'missing' | 'repeated' | 'malformed' | undefined {
  const host = request.headers.host;
  if (host === undefined) return request.httpVersion === '1.0' ? undefined : 'missing';
  if (occurrences(request.rawHeaders, 'host') > 1) return 'repeated';
  return VALID_HOST.test(host) ? undefined : 'malformed';
}

/**
 * The Authorization header; every value when it came more than once. Node keeps only the first
 * of repeated Authorization headers, and a gateway in front may have checked another one: the
 * server must see that there were several, to refuse the request.
 */
export function authorizationOf(request: IncomingMessage): string | readonly string[] | undefined {
  const value = request.headers.authorization;
  if (value === undefined || occurrences(request.rawHeaders, 'authorization') < 2) return value;
  return valuesOf(request.rawHeaders, 'authorization');
}

/** Every value a header (its lower-case name) came with; none without it. */
export function headerValues(request: IncomingMessage, name: string): readonly string[] {
  return request.headers[name] === undefined ? [] : valuesOf(request.rawHeaders, name);
}

/** How many times a header (its lower-case name) came in a request's raw headers. */
function occurrences(rawHeaders: readonly string[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (isNamed(rawHeaders[i], name)) count++;
  return count;
}

function valuesOf(rawHeaders: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) if (isNamed(rawHeaders[i], name)) values.push(rawHeaders[i + 1] ?? '');
  return values;
}

/** Comparing lengths first spares a lower-cased copy of every other header's name. */
function isNamed(rawName: string | undefined, name: string): boolean {
  return rawName?.length === name.length && rawName.toLowerCase() === name;
}
