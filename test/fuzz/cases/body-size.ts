import type { Case, CaseContext } from '../case';
import { post } from '../request';

/** Bodies just below, at and above the body limit, plus a few far above and one streamed without a length. */
export function bodySizeCase({ rng, bodyLimit }: CaseContext): Case {
  const size = rng.pick([bodyLimit - 64, bodyLimit - 1, bodyLimit, bodyLimit + 1, bodyLimit + 4_096, 2 * bodyLimit, 1_048_576]);
  const skeleton = JSON.stringify({ query: '{ __typename }', variables: { pad: '' } });
  const pad = 'p'.repeat(Math.max(0, size - Buffer.byteLength(skeleton)));
  const body = JSON.stringify({ query: '{ __typename }', variables: { pad } });
  if (rng.chance(0.2) && size > bodyLimit) {
    const bytes = Buffer.from(body);
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < bytes.length; offset += 16_384) chunks.push(bytes.subarray(offset, offset + 16_384));
    return {
      label: `chunked body of ${bytes.length} bytes (no content-length)`,
      request: post({ chunks }),
      codes: ['REQUEST_TOO_LARGE'],
      mustFail: true,
    };
  }
  const bytes = Buffer.byteLength(body);
  return bytes <= bodyLimit
    ? { label: `body of ${bytes} bytes (limit ${bodyLimit})`, request: post(body), data: { __typename: 'Query' } }
    : { label: `body of ${bytes} bytes (limit ${bodyLimit})`, request: post(body), codes: ['REQUEST_TOO_LARGE'], mustFail: true };
}
