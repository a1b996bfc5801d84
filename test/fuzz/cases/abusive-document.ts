import type { Case, CaseContext } from '../case';
import { SESSION_FIELDS } from '../documents';
import { post } from '../request';
import { SQL_STRINGS, UNICODE_STRINGS } from '../values/strings';

/** Deep nesting, fragment chains and cycles, many aliases, token and error bombs. */
export function abusiveDocumentCase({ rng }: CaseContext): Case {
  if (rng.chance(0.1)) return fragmentFanOut(rng);
  const document = rng.weighted<() => [string, string]>([
    [
      2,
      () => {
        const depth = rng.pick([10, 26, 100, 1_000, 2_400, 3_300]);
        return [`unknown fields nested ${depth} deep`, `${'{ a '.repeat(depth)}${'}'.repeat(depth)}`];
      },
    ],
    [
      2,
      () => {
        const depth = rng.pick([5, 24, 25, 26, 60, 900]);
        return [`inline fragments nested ${depth} deep`, `{ ${'... on Query { '.repeat(depth)}__typename ${'} '.repeat(depth)}}`];
      },
    ],
    [
      2,
      () => {
        const depth = rng.pick([3, 20, 30, 300]);
        const fragments = Array.from({ length: depth }, (_, i) =>
          i === depth - 1 ? `fragment F${i} on Query { __typename }` : `fragment F${i} on Query { ...F${i + 1} }`,
        );
        return [`fragment chain of ${depth}`, `{ ...F0 } ${fragments.join(' ')}`];
      },
    ],
    [1, () => ['fragment cycle', '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A __typename }']],
    [1, () => ['self-referencing fragment', '{ ...A } fragment A on Query { ...A }']],
    [
      1,
      () => [
        'fragment cycle through a list',
        'query { interviewSessions { nodes { ...S } } } fragment S on InterviewSession { id ...T } fragment T on InterviewSession { ...S }',
      ],
    ],
    [
      2,
      () => {
        const count = rng.pick([29, 30, 31, 100, 1_000]);
        const id = rng.uuidV4();
        return [
          `${count} aliases of interviewSession`,
          `{ ${Array.from({ length: count }, (_, i) => `a${i}: interviewSession(id: "${id}") { id }`).join(' ')} }`,
        ];
      },
    ],
    [
      1,
      () => {
        const count = rng.pick([50, 1_000, 1_600]);
        return [`${count} aliases of __typename`, `{ ${Array.from({ length: count }, (_, i) => `t${i}: __typename`).join(' ')} }`];
      },
    ],
    [
      2,
      () => {
        const count = rng.pick([2, 5, 20, 31]);
        return [
          `${count} aliased pages of 100`,
          `{ ${Array.from({ length: count }, (_, i) => `p${i}: interviewSessions(first: 100) { totalCount nodes { ${SESSION_FIELDS} } edges { cursor node { ${SESSION_FIELDS} } } }`).join(' ')} }`,
        ];
      },
    ],
    [1, () => ['token bomb', `{ ${'__typename '.repeat(rng.pick([4_990, 6_000, 30_000]))}}`]],
    [1, () => ['unknown field bomb', `{ ${Array.from({ length: 1_500 }, (_, i) => `f${i}`).join(' ')} }`]],
    [1, () => ['directive bomb', `{ __typename ${'@skip(if: false) '.repeat(800)}}`]],
    [1, () => ['nested list literal', `{ interviewSession(id: ${'['.repeat(2_000)}"x"${']'.repeat(2_000)}) { id } }`]],
    [
      1,
      () => [
        'nested object literal',
        `{ interviewSessions(filter: ${'{ status: '.repeat(1_500)}SCHEDULED${' }'.repeat(1_500)}) { totalCount } }`,
      ],
    ],
    [1, () => ['huge string literal', `{ interviewSession(id: "${'x'.repeat(90_000)}") { id } }`]],
    [1, () => ['huge block string', `{ interviewSession(id: """${"'; drop table interview_session; --\n".repeat(2_000)}""") { id } }`]],
    [1, () => ['long names', `query ${'Q'.repeat(20_000)}($${'v'.repeat(20_000)}: ID) { __typename }`]],
    [1, () => ['many variable definitions', `query (${Array.from({ length: 1_500 }, (_, i) => `$v${i}: ID`).join(' ')}) { __typename }`]],
    [1, () => ['two anonymous operations', '{ __typename } { __typename }']],
    [1, () => ['subscription', 'subscription { interviewSessions { totalCount } }']],
    [1, () => ['defer and stream', '{ ... @defer { __typename } interviewSessions { nodes @stream { id } } }']],
    [1, () => ['unknown directive', '{ __typename @sql(query: "drop table interview_session") }']],
    [1, () => ['schema definition', 'type Query { x: Int } schema { query: Query }']],
    [
      1,
      () => [
        'introspection',
        '{ __schema { types { name kind fields { name args { name type { name kind ofType { name kind ofType { name kind ofType { name } } } } } } } } }',
      ],
    ],
    [1, () => ['comment and BOM noise', `\uFEFF# ${rng.pick(SQL_STRINGS)}\n{ __typename # ${rng.pick(UNICODE_STRINGS)}\n }`]],
    [1, () => ['random GraphQL punctuation', rng.text(rng.int(1, 300), '{}()[]!$@.:=|&"\\ \n\tabcxyz0123456789#')]],
  ])();
  return { label: document[0], request: post(JSON.stringify({ query: document[1] })) };
}

/**
 * Fragments that each spread the next one twice: 2^levels paths through a few hundred bytes. Up
 * to 10 levels the document is within every limit and answers; deeper, the depth limit refuses
 * it (a spread is a level), at once.
 */
function fragmentFanOut(rng: CaseContext['rng']): Case {
  const levels = rng.pick([4, 10, 22, 30, 300]);
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  const query = `query { ...F0 } ${fragments.join(' ')} fragment F${levels} on Query { __typename }`;
  const request = post(JSON.stringify({ query }));
  const label = `fragments spread twice per level, ${levels} levels`;
  return levels <= 10 ? { label, request, data: { __typename: 'Query' } } : { label, request, mustFail: true, codes: ['QUERY_TOO_DEEP'] };
}
