/**
 * What a field makes the database do, for the cost rule (graphql/query-cost.ts), which prices a
 * document by these before it runs: `@Extensions(…)` on the field.
 */

/** A field that counts rows (a scan of every match): adds GRAPHQL_COUNT_COST where it is selected. */
export const COUNTS_ROWS = { cost: 'count' } as const;

/**
 * A field paged by `first`, up to `largest` items: `@Extensions(pagedUpTo(100))` on it. A `first`
 * that comes from a variable is priced at `largest`, the most it may ask for; a literal above it
 * is priced at `largest` too (the resolver refuses it as BAD_USER_INPUT, which says more than a
 * cost would).
 */
export const pagedUpTo = (largest: number) => ({ largestPage: largest }) as const;

/**
 * A field computed by an aggregate over an index (a session's feedback count or average rating):
 * one batched statement reads, for every item of the page the field is in, that item's entries of
 * an index, as a page of them would. Adds INDEX_AGGREGATE_COST where it is selected, so once per
 * item of its page; not GRAPHQL_COUNT_COST, the price of a count that scans the table.
 */
export const AGGREGATES_OVER_INDEX = { cost: 'indexAggregate' } as const;
