import {
  Kind,
  parse,
  validate,
  ValidationContext,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { OperationCosts } from '../../src/graphql/operation-costs';
import { DocumentCost } from '../../src/graphql/query-cost';
import { queryLimitRules } from '../../src/graphql/query-limits';
import { buildApiSchema } from '../../src/graphql/schema';
import { resolvers } from '../../src/modules';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildApiSchema(resolvers);
});

/** The cost the rule gives a document of one operation: exact, with no ceiling. */
function costOf(document: string, countCost = 900): number {
  const parsed = parse(document);
  const operation = parsed.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const fragments = (name: string) =>
    parsed.definitions.find(
      (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === name,
    );
  const cost = new DocumentCost(schema, fragments, countCost).of(operation!);
  if (typeof cost !== 'number') throw new Error('no ceiling was set');
  return cost;
}

/** The codes the limit rules give a document, with the default limits (docs/security.md, Query limits). */
function limitCodes(document: string, maxDepth = 25): unknown[] {
  const rules = queryLimitRules({ maxDepth, maxAliases: 30, maxCost: 5_000, countCost: 900, maxTokens: 10_000 }, new OperationCosts());
  return validate(schema, parse(document), rules).map((error) => error.extensions.code);
}

const page = (first: string) => `interviewSessions${first} { nodes { id title } }`;

/** Each fragment spreads the next one twice: 2^levels paths through a document of a few hundred bytes. */
function fanOut(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  return `query { ...F0 } ${fragments.join(' ')} fragment F${levels} on Query { __typename }`;
}

describe('the cost of a document', () => {
  // The rule of docs/security.md: 1 per scalar, 2 per object field, list fields once per item of the page.
  it('prices a page by its literal size: 2 for the connection, and (2 + 1 + 1) per session', () => {
    expect(costOf(`{ ${page('(first: 5)')} }`)).toBe(2 + 5 * 4);
    expect(costOf(`{ ${page('(first: 50)')} }`)).toBe(2 + 50 * 4);
  });

  it('prices a size that comes from a variable at the largest page (100), whatever the variable will hold', () => {
    expect(costOf(`query ($n: Int) { ${page('(first: $n)')} }`)).toBe(2 + 100 * 4);
    expect(costOf(`query ($n: Int = 1) { ${page('(first: $n)')} }`)).toBe(2 + 100 * 4);
  });

  it('prices a literal page above the largest at the largest, leaving the refusal to the argument check', () => {
    expect(costOf(`{ ${page('(first: 2147483647)')} }`)).toBe(2 + 100 * 4);
  });

  it('prices a page without first, or with first: null, at the default size (20)', () => {
    expect(costOf(`{ ${page('')} }`)).toBe(2 + 20 * 4);
    expect(costOf(`{ ${page('(first: null)')} }`)).toBe(2 + 20 * 4);
  });

  it('adds GRAPHQL_COUNT_COST for every field that counts rows: thirty counts cost 27,090', () => {
    expect(costOf(`{ interviewSessions(first: 5) { totalCount } }`)).toBe(2 + 1 + 900);
    expect(costOf(`{ interviewSessions(first: 5) { totalCount } }`, 50)).toBe(2 + 1 + 50);
    const thirty = Array.from({ length: 30 }, (_, i) => `a${i}: interviewSessions(first: 1) { totalCount }`).join(' ');
    expect(costOf(`{ ${thirty} }`)).toBe(27_090);
  });

  it('prices fragments and inline fragments where they are spread, and a fragment that spreads itself once', () => {
    expect(costOf(`{ ...F } fragment F on Query { ${page('(first: 5)')} }`)).toBe(22);
    expect(costOf(`{ ... on Query { ${page('(first: 5)')} } }`)).toBe(22);
    expect(costOf(`{ ...F } fragment F on Query { ...F ${page('(first: 5)')} }`)).toBe(22);
  });

  it('prices a fragment spread inside a page once per item of that page', () => {
    expect(costOf(`{ interviewSessions(first: 5) { nodes { ...S } } } fragment S on InterviewSession { id title }`)).toBe(22);
    expect(costOf(`{ interviewSessions(first: 5) { ...C } } fragment C on InterviewSessionConnection { nodes { id title } }`)).toBe(22);
  });

  it('prices every path through fragments spread twice, without walking each path', () => {
    // 2^levels __typename fields, each costing 1.
    expect(costOf(fanOut(10))).toBe(2 ** 10);
    expect(costOf(fanOut(40))).toBe(2 ** 40);
  });
});

describe('the cost of pages inside pages', () => {
  const sessionsWithFeedback = (sessions: number, feedback: string) =>
    `{ interviewSessions(first: ${sessions}) { nodes { feedback${feedback} { nodes { rating } } } } }`;

  it('multiplies: 50 sessions × 20 feedback are 1,000 feedback nodes of 3 each, 3,202 in all', () => {
    // Per session: 2 (nodes) + 2 (feedback) + 20 × (2 + 1); the connection 2.
    expect(costOf(sessionsWithFeedback(50, '(first: 20)'))).toBe(2 + 50 * (2 + 2 + 20 * 3));
    expect(costOf(sessionsWithFeedback(50, ''))).toBe(3_202);
  });

  it('prices a nested page whose size comes from a variable at its largest (100)', () => {
    expect(costOf(`query ($n: Int) { interviewSession(id: "x") { feedback(first: $n) { nodes { rating } } } }`)).toBe(2 + 2 + 100 * 3);
  });

  it("prices a nested totalCount and averageRating at 10 each per session, not as a count: 50 sessions' cost 752", () => {
    expect(costOf(`{ interviewSessions(first: 50) { nodes { feedback { totalCount } } } }`)).toBe(2 + 50 * (2 + 2 + 11));
    expect(costOf(`{ interviewSessions(first: 50) { nodes { averageRating } } }`)).toBe(2 + 50 * (2 + 11));
  });

  it('accepts 50 sessions with 3 feedback each, their counts and averages (1,752), with the default limits', () => {
    const document = `{ interviewSessions(first: 50) { nodes { feedback(first: 3) { totalCount nodes { rating } } averageRating } } }`;
    // Per session: 2 (nodes) + 2 (feedback) + 11 (totalCount) + 3 × 3 (its nodes) + 11 (averageRating).
    expect(costOf(document)).toBe(2 + 50 * (2 + 2 + 11 + 3 * 3 + 11));
    expect(costOf(document)).toBe(1_752);
    expect(limitCodes(document)).toEqual([]);
  });

  it('refuses 100 sessions with 100 feedback each (30,402) before execution, with the default limits', () => {
    expect(costOf(sessionsWithFeedback(100, '(first: 100)'))).toBe(30_402);
    expect(limitCodes(sessionsWithFeedback(100, '(first: 100)'))).toEqual(['QUERY_TOO_COMPLEX']);
  });
});

describe('the limits on a hostile document', () => {
  it('refuses fragments spread twice per level, 30 levels deep, as too deep (each spread is a level)', () => {
    expect(limitCodes(fanOut(30))).toEqual(['QUERY_TOO_DEEP']);
  });

  it('refuses them as too complex under a depth limit that lets them through, 30 and 300 levels deep, in a blink', () => {
    const started = performance.now();
    expect(limitCodes(fanOut(30), 10_000)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(limitCodes(fanOut(300), 10_000)).toEqual(['QUERY_TOO_COMPLEX']);
    // Not a speed check: 2^30 steps would take minutes, linear work takes milliseconds.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('prices a fragment once for the whole document, however many of its operations spread it', () => {
    const operations = Array.from({ length: 800 }, (_, i) => `query Q${i} { ...Wide }`).join(' ');
    const document = parse(`${operations} fragment Wide on Query { ${'__typename '.repeat(4_000)}}`);
    const costRule = queryLimitRules(
      { maxDepth: 25, maxAliases: 30, maxCost: 5_000, countCost: 900, maxTokens: 10_000 },
      new OperationCosts(),
    ).at(-1)!;
    const lookups = jest.spyOn(ValidationContext.prototype, 'getFragment');
    try {
      expect(validate(schema, document, [costRule])).toEqual([]);
      expect(lookups).toHaveBeenCalledTimes(1);
    } finally {
      lookups.mockRestore();
    }
  });

  it('counts aliases of __typename as aliases', () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `t${i}: __typename`).join(' ');
    expect(limitCodes(`{ ${aliases} }`)).toEqual(['TOO_MANY_ALIASES']);
  });

  it('prices a document another limit refused no further: one error, the first limit hit', () => {
    const deepAndCostly = `{ ${'... on Query { '.repeat(30)}${page('(first: 100)')}${' }'.repeat(30)} }`;
    expect(limitCodes(deepAndCostly)).toEqual(['QUERY_TOO_DEEP']);
  });
});

describe('the cost of random fragment graphs', () => {
  /** A small deterministic generator: the same graphs every run. */
  function* graphs(count: number): Generator<{ document: string; expected: number }> {
    let seed = 20261204;
    const next = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % below;
    };
    for (let graph = 0; graph < count; graph++) {
      const size = 2 + next(12);
      // Fragment i spreads only fragments after it (no cycles), each some number of times, and
      // selects a few __typename of its own: its cost is its own fields plus its spreads' costs.
      const costs = new Array<number>(size).fill(0);
      const bodies: string[] = [];
      for (let i = size - 1; i >= 0; i--) {
        const own = next(3);
        const parts = Array.from({ length: own }, () => '__typename');
        costs[i] = own;
        for (let j = i + 1; j < size; j++) {
          const times = next(3);
          for (let t = 0; t < times; t++) parts.push(`...F${j}`);
          costs[i]! += times * costs[j]!;
        }
        if (parts.length === 0) {
          parts.push('__typename');
          costs[i] = 1;
        }
        bodies[i] = `fragment F${i} on Query { ${parts.join(' ')} }`;
      }
      yield { document: `query { ...F0 } ${bodies.join(' ')}`, expected: costs[0]! };
    }
  }

  it('agrees with the cost counted path by path, for 200 generated graphs', () => {
    for (const { document, expected } of graphs(200)) expect(costOf(document)).toBe(expected);
  });
});
