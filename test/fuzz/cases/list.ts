import type { Case, CaseContext } from '../case';
import { summary } from '../descriptions';
import { operation, ORDER_KEYS, SESSION_FIELDS, STATUS_KEYS, type ArgSpec } from '../documents';
import { graphqlRequest } from '../request';

/** The orders of interviewSessions; undefined leaves the argument out (the default order). */
const ORDERS = [undefined, ...ORDER_KEYS];

/**
 * Valid pages, in any order, filtered or not, sometimes after a cursor the server issued before
 * (under the order and filter of its page: under others it is refused): never more nodes than
 * asked for, only the status filtered on, hasPreviousPage exactly when after a cursor.
 */
export function listCase({ rng, model }: CaseContext): Case {
  const issued = model.issuedCursors.length > 0 && rng.chance(0.5) ? rng.pick(model.issuedCursors) : undefined;
  const filter: Record<string, string> = issued ? { ...issued.filter } : {};
  const orderBy = issued ? issued.orderBy : rng.pick(ORDERS);
  if (!issued) {
    if (rng.chance(0.6)) filter.status = rng.pick([...STATUS_KEYS]);
    if (rng.chance(0.2))
      filter.createdAfter = rng.pick(['2020-01-01T00:00:00Z', '2999-01-01T00:00:00Z', new Date(Date.now() - 60_000).toISOString()]);
    if (rng.chance(0.2)) filter.createdBefore = rng.pick(['2020-01-01T00:00:00Z', '2999-01-01T00:00:00Z', new Date().toISOString()]);
  }
  const first = rng.pick([1, 2, 5, 20, 100]);
  const after = issued?.cursor;
  const args: Record<string, ArgSpec> = {
    orderBy: { type: 'InterviewSessionOrder', value: orderBy ?? null, omit: orderBy === undefined },
    filter: { type: 'InterviewSessionFilter', value: filter, omit: Object.keys(filter).length === 0 && rng.chance(0.5) },
    first: { type: 'Int', value: first, omit: rng.chance(0.2) },
    after: { type: 'String', value: after ?? null, omit: after === undefined && rng.chance(0.5) },
  };
  const selection = rng.pick([
    `totalCount nodes { ${SESSION_FIELDS} } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`,
    'edges { cursor node { id status } } pageInfo { endCursor hasNextPage }',
    'nodes { id status createdAt } totalCount',
    'totalCount',
    'pageInfo { endCursor }',
  ]);
  const { query, variables } = operation(rng, 'query', 'interviewSessions', args, selection);
  return {
    label: `list sessions ${orderBy ?? ''} ${JSON.stringify(filter)} first ${args.first!.omit ? '(default)' : first}${after ? ' after a cursor' : ''}`,
    request: graphqlRequest(rng, query, variables, true),
    verify: (body) => {
      const page = body.data?.interviewSessions;
      if (!page || body.errors) return [`list answered ${summary(body)}`];
      const problems: string[] = [];
      const nodes: { status?: string }[] = page.nodes ?? (page.edges ?? []).map((edge: { node: unknown }) => edge.node);
      if (nodes.length > (args.first!.omit ? 20 : first)) problems.push(`list returned ${nodes.length} nodes for first ${first}`);
      if (filter.status && nodes.some((node) => node.status !== filter.status))
        problems.push(`list filtered on ${filter.status} returned ${summary(nodes)}`);
      if (page.pageInfo?.hasPreviousPage !== undefined && page.pageInfo.hasPreviousPage !== (after !== undefined))
        problems.push('hasPreviousPage is wrong');
      if (typeof page.pageInfo?.endCursor === 'string' && model.issuedCursors.length < 500)
        model.issuedCursors.push({ cursor: page.pageInfo.endCursor, orderBy, filter });
      return problems;
    },
  };
}
