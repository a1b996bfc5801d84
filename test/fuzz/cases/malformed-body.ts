import type { Case, CaseContext } from '../case';
import { READ_QUERIES } from '../documents';
import { post } from '../request';

/** Truncated, mutated and binary bodies with a JSON content type. */
export function malformedBodyCase({ rng }: CaseContext): Case {
  const valid = JSON.stringify({ query: rng.pick(READ_QUERIES), variables: { id: rng.uuidV4() } });
  return rng.weighted<() => Case>([
    [
      4,
      () => {
        const cut = rng.int(0, valid.length - 1);
        return { label: `truncated JSON (${cut} of ${valid.length} chars)`, request: post(valid.slice(0, cut)), mustFail: true };
      },
    ],
    [
      3,
      () => {
        const chars = Array.from(valid);
        for (let i = rng.int(1, 4); i > 0; i--)
          chars[rng.int(0, chars.length - 1)] = rng.pick(['{', '}', '"', ':', ',', '\\', '\u0000', ' ', 'é', ']']);
        return { label: 'JSON with flipped characters', request: post(chars.join('')) };
      },
    ],
    [3, () => ({ label: 'binary garbage', request: post(rng.bytes(rng.int(0, 4_000))) })],
    [
      1,
      () => ({
        label: 'garbage after valid JSON',
        request: post(`${valid}${rng.pick(['x', '}', ',{}', '\u0000', ' []'])}`),
        mustFail: true,
      }),
    ],
    [1, () => ({ label: 'BOM before JSON', request: post(`\uFEFF${valid}`) })],
    [
      1,
      () => ({
        label: 'invalid UTF-8 inside a JSON string',
        request: post(
          Buffer.concat([
            Buffer.from('{"query":"{ __typename }","operationName":"'),
            Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]),
            Buffer.from('"}'),
          ]),
        ),
      }),
    ],
    [1, () => ({ label: 'empty body', request: post(''), mustFail: true })],
    [1, () => ({ label: 'whitespace body', request: post(' \n\t '), mustFail: true })],
  ])();
}
