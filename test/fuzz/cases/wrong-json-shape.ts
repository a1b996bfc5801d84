import type { Case, CaseContext } from '../case';
import { describeType } from '../descriptions';
import { READ_QUERIES } from '../documents';
import { post } from '../request';
import { SQL_STRINGS } from '../values/strings';
import { WRONG_TYPES } from '../values/wrong-types';

/** Well-formed JSON of the wrong shape: wrong types for query, variables, operationName, extensions. */
export function wrongJsonShapeCase({ rng }: CaseContext): Case {
  const query = rng.pick(READ_QUERIES);
  const wrong = () => rng.pick([...WRONG_TYPES, null, '', 'null', '{"id":"x"}', rng.pick(SQL_STRINGS)]);
  return rng.weighted<() => Case>([
    [
      2,
      () => {
        const value = rng.pick(['null', '1', '-0', '1e999', '"x"', 'true', '[]', '{}', '[{"query":"{ __typename }"}]', '[1,2,3]', '[[]]']);
        return { label: `top-level JSON ${value}`, request: post(value), mustFail: true };
      },
    ],
    [
      3,
      () => {
        const value = rng.pick(WRONG_TYPES.concat([null]));
        return { label: `query of type ${describeType(value)}`, request: post(JSON.stringify({ query: value })), mustFail: true };
      },
    ],
    [
      3,
      () => {
        const value = wrong();
        return {
          label: `variables of type ${describeType(value)}`,
          request: post(JSON.stringify({ query: '{ __typename }', variables: value })),
        };
      },
    ],
    [
      3,
      () => {
        const value = rng.pick([...WRONG_TYPES, '', 'Nope', rng.pick(SQL_STRINGS), 'x'.repeat(5_000)]);
        return {
          label: `operationName of type ${describeType(value)}`,
          request: post(JSON.stringify({ query: 'query A { __typename } query B { __typename }', operationName: value })),
        };
      },
    ],
    [
      2,
      () => {
        const value = rng.pick<unknown>([
          ...WRONG_TYPES,
          'x',
          { persistedQuery: { version: 1, sha256Hash: 'abc' } },
          { persistedQuery: { version: 2, sha256Hash: rng.hex(64) } },
          { persistedQuery: 'x' },
        ]);
        return { label: `extensions of type ${describeType(value)}`, request: post(JSON.stringify({ query, extensions: value })) };
      },
    ],
    [
      1,
      () => ({
        label: 'no query, only extensions',
        request: post(JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: rng.hex(64) } } })),
        mustFail: true,
      }),
    ],
    [
      1,
      () => ({
        label: 'prototype pollution keys',
        request: post(
          rng.pick([
            `{"query":"{ __typename }","__proto__":{"admin":true}}`,
            `{"query":"{ __typename }","constructor":{"prototype":{"admin":true}}}`,
            `{"query":"{ __typename }","variables":{"__proto__":{"x":1}}}`,
          ]),
        ),
      }),
    ],
    [
      1,
      () => ({ label: 'duplicate keys', request: post(`{"query":"{ nope }","query":"{ __typename }","variables":{},"variables":null}`) }),
    ],
    [
      1,
      () => {
        const depth = rng.pick([1_000, 20_000, 50_000]);
        const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
        const where = rng.pick(['variables', 'extensions', 'query', 'operationName']);
        const body =
          where === 'query'
            ? `{"query":${nested}}`
            : `{"query":"{ __typename }","${where}":${where === 'operationName' ? nested : `{"x":${nested}}`}}`;
        return { label: `JSON nested ${depth} deep in ${where}`, request: post(body) };
      },
    ],
    [
      1,
      () => ({
        label: 'many variables',
        request: post(
          JSON.stringify({ query: '{ __typename }', variables: Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`v${i}`, i])) }),
        ),
      }),
    ],
  ])();
}
