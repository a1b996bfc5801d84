import { parse, validate, type GraphQLSchema } from 'graphql';
import { queryCostRule } from '../src/graphql/query-cost';
import { buildApiSchema } from '../src/graphql/schema';
import { PAGE_SIZE } from '../src/interview-sessions/interview-session.resolver';
import { resolvers } from '../src/modules';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildApiSchema(resolvers);
});

/** What the cost rule prices a document at (every document is over a limit of 0, so each reports its cost). */
function costOf(document: string, countCost = 900): number {
  const costs: number[] = [];
  validate(schema, parse(document), [queryCostRule({ maxCost: 0, countCost }, (_context, cost) => costs.push(cost))]);
  return costs.reduce((sum, cost) => sum + cost, 0);
}

const page = (first: string) => `interviewSessions${first} { nodes { id title } }`;

describe('the cost of a document', () => {
  it('prices a page by its literal size', () => {
    expect(costOf(`{ ${page('(first: 50)')} }`)).toBeGreaterThan(costOf(`{ ${page('(first: 5)')} }`));
  });

  it('prices a size that comes from a variable at the largest page, whatever the variable will hold', () => {
    const largest = costOf(`{ ${page(`(first: ${PAGE_SIZE.max})`)} }`);
    expect(costOf(`query ($n: Int) { ${page('(first: $n)')} }`)).toBe(largest);
    expect(costOf(`query ($n: Int = 1) { ${page('(first: $n)')} }`)).toBe(largest);
  });

  it('prices a page without first, or with first: null, at the default size', () => {
    const byDefault = costOf(`{ ${page(`(first: ${PAGE_SIZE.default})`)} }`);
    expect(costOf(`{ ${page('')} }`)).toBe(byDefault);
    expect(costOf(`{ ${page('(first: null)')} }`)).toBe(byDefault);
  });

  it('adds GRAPHQL_COUNT_COST for every field that counts rows', () => {
    const withoutCount = costOf(`{ ${page('(first: 5)')} }`);
    const withCount = (countCost: number) => costOf(`{ interviewSessions(first: 5) { totalCount nodes { id title } } }`, countCost);
    expect(withCount(900) - withoutCount).toBe(901);
    expect(withCount(50) - withoutCount).toBe(51);
    expect(costOf(`{ a: interviewSessions { totalCount } b: interviewSessions { totalCount } }`, 900)).toBeGreaterThan(1800);
  });

  it('prices fragments and inline fragments where they are spread, and stops at a fragment that spreads itself', () => {
    const inline = costOf(`{ ${page('(first: 5)')} }`);
    expect(costOf(`{ ...F } fragment F on Query { ${page('(first: 5)')} }`)).toBe(inline);
    expect(costOf(`{ ... on Query { ${page('(first: 5)')} } }`)).toBe(inline);
    expect(costOf(`{ ...F } fragment F on Query { ...F ${page('(first: 5)')} }`)).toBe(inline);
  });
});
