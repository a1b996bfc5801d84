import { randomBytes } from 'node:crypto';
import { SignJWT, UnsecuredJWT, type CryptoKey, type JWTPayload } from 'jose';

/** What the test servers are configured to expect. */
export const ISSUER = 'https://issuer.test/';
export const AUDIENCE = 'interview-sessions-api';
export const BOTH_SCOPES = 'sessions:read sessions:write';

/** A fresh HS256 secret as AUTH_JWT_SECRET takes it (its UTF-8 bytes are the key): 64 characters. */
export const newSecret = () => randomBytes(48).toString('base64url');
export const secretKey = (secret: string) => new TextEncoder().encode(secret);

export interface TokenOptions {
  alg?: string;
  kid?: string;
  /** Claims to add or override; `undefined` removes a default one (e.g. `{ exp: undefined }`). */
  claims?: JWTPayload;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The claims of a good token: this issuer and audience, both scopes, valid for ten minutes. */
export function claimsOf(overrides: JWTPayload = {}): JWTPayload {
  const claims: JWTPayload = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    scope: BOTH_SCOPES,
    iat: nowSeconds(),
    exp: nowSeconds() + 600,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

/** A token signed with `key` (HS256 by default), with the claims of a good token unless overridden. */
export function signToken(key: CryptoKey | Uint8Array, { alg = 'HS256', kid, claims }: TokenOptions = {}): Promise<string> {
  return new SignJWT(claimsOf(claims)).setProtectedHeader({ alg, typ: 'JWT', ...(kid === undefined ? {} : { kid }) }).sign(key);
}

/** A token with `alg: none` and no signature, as an attacker writes one. */
export function unsignedToken(claims?: JWTPayload): string {
  return new UnsecuredJWT(claimsOf(claims)).encode();
}

/** The same token with one character of its signature changed. */
export function withTamperedSignature(token: string): string {
  const signatureStart = token.lastIndexOf('.') + 1;
  const at = signatureStart + 5;
  const replacement = token[at] === 'A' ? 'B' : 'A';
  return token.slice(0, at) + replacement + token.slice(at + 1);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
