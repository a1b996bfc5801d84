import { isIPv6 } from 'node:net';
import type { Context } from '../context';

const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/**
 * Whose budget a request is charged to: its token's subject; without one (AUTH_MODE=none, or a
 * token without `sub`), its client's address. The prefixes keep a subject that looks like an
 * address from sharing that address's budget.
 */
export function budgetKeyOf({ principal, clientAddress }: Context): string {
  return principal.subject !== undefined ? `sub:${principal.subject}` : `address:${addressKey(clientAddress)}`;
}

/**
 * An IPv6 client is its /64: one subscriber gets a /64 (or more) to pick addresses from, and
 * one budget per address would give it billions, and this server as many keys to keep.
 */
function addressKey(address: string): string {
  const [, ipv4] = IPV4_MAPPED.exec(address) ?? [];
  if (ipv4 !== undefined) return ipv4;
  if (!isIPv6(address)) return address;
  return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a zone dropped), without leading zeros. */
function ipv6Groups(address: string): string[] {
  const [withoutZone = ''] = address.split('%');
  const [head = '', tail] = withoutZone.split('::');
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':')).flatMap((group) => (group.includes('.') ? ['0', '0'] : [group]));
  const left = groupsOf(head);
  const right = tail === undefined ? [] : groupsOf(tail);
  const zeros: string[] = Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}
