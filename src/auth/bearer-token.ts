import { AuthenticationFailure } from './errors';

/**
 * The longest token accepted. Real access tokens are well under 2 KB (a large Azure AD one with
 * group claims, ~5 KB); anything longer is refused before it is decoded. Node's own limit on all
 * headers together (16 KiB) turns away larger ones before they reach the server (HTTP 431).
 */
const MAX_TOKEN_LENGTH = 8_192;

/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1; the scheme is
 * case-insensitive). Only the header's shape is checked here: the token's own is jose's to judge.
 * Several Authorization headers (an array) are refused: which one would count is ambiguous, and a
 * gateway in front may have checked another one than this server would.
 */
export function bearerToken(header: string | readonly string[] | undefined): string {
  if (typeof header === 'object') throw new AuthenticationFailure('repeated_header');
  if (header === undefined || header === '') throw new AuthenticationFailure('missing_token');
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') throw new AuthenticationFailure('unsupported_scheme');
  const token = header.slice(space + 1).trim();
  if (space === -1 || token === '' || token.includes(' ')) throw new AuthenticationFailure('malformed_header');
  if (token.length > MAX_TOKEN_LENGTH) throw new AuthenticationFailure('token_too_large');
  return token;
}
