import type { JWTPayload } from 'jose';

/**
 * The scopes of this API. A token grants them in its `scope` claim (a space-separated string, RFC
 * 8693 and RFC 9068) or its `scp` claim (an array, as Okta sends it, or a string, as Azure AD
 * does). Queries need `sessions:read`, mutations `sessions:write`; neither implies the other.
 */
export const SESSIONS_READ = 'sessions:read';
export const SESSIONS_WRITE = 'sessions:write';
export type Scope = typeof SESSIONS_READ | typeof SESSIONS_WRITE;

/** A field's schema description naming the scope it needs: the schema documents the scopes. */
export function describedWithScope(scope: Scope, description?: string): string {
  const needs = `Needs the scope ${scope}.`;
  return description ? `${description} ${needs}` : needs;
}

/** Every scope a token's claims grant, whichever claim carries them. */
export function scopesOf(claims: JWTPayload): ReadonlySet<string> {
  const scopes = new Set<string>();
  for (const claim of [claims.scope, claims.scp]) {
    const words = typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim : [];
    for (const word of words) if (typeof word === 'string' && word !== '') scopes.add(word);
  }
  return scopes;
}
