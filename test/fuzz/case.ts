import type { TestDatabase } from '../support/test-database';
import type { Model, Row } from './model';
import type { FuzzRequest } from './request';
import type { Rng } from './rng';

/** One request of the fuzzer and what its answer must be, beyond the contract every answer keeps (judge.ts). */
export interface Case {
  label: string;
  request: FuzzRequest;
  /** The request is wrong: the response must carry errors and no successful data. */
  mustFail?: boolean;
  /** When set, the error codes must all be among these. */
  codes?: readonly string[];
  /** When set, `data` must equal this. */
  data?: unknown;
  /** Checks the answer against the model, updates the model, and returns what was wrong. */
  verify?: (body: GraphQLBody) => string[] | Promise<string[]>;
}

/** An answer's body as the cases read it: nothing in it is trusted to have the right shape. */
export interface GraphQLError {
  message?: unknown;
  path?: unknown;
  extensions?: { code?: unknown; [key: string]: unknown };
}

export interface GraphQLBody {
  data?: Record<string, any> | null;
  errors?: GraphQLError[];
}

/** Everything a case generator may draw on. */
export interface CaseContext {
  rng: Rng;
  model: Model;
  /** Model ids already claimed by a case of this round: the round's cases run concurrently. */
  busy: Set<string>;
  /** The server's body limit, in bytes. */
  bodyLimit: number;
  /** The server's database, for a case that must see what the table holds. */
  db: TestDatabase;
}

/** Codes that say "your request is wrong": the only acceptable ones for a wrong request. */
export const CLIENT_CODES = [
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'QUERY_TOO_COMPLEX',
  'QUERY_TOO_LARGE',
  'REQUEST_TOO_LARGE',
];

/** The error codes of an answer, in order. */
export function codesOf(body: GraphQLBody): string[] {
  return (body.errors ?? []).map((error) => String(error.extensions?.code));
}

/** A model id no other case of this round uses, marked as used. */
export function claimId({ rng, model, busy }: CaseContext, filter: (row: Row) => boolean = () => true): string | undefined {
  const free = [...model.rows.keys()].filter((id) => !busy.has(id) && filter(model.rows.get(id)!));
  if (free.length === 0) return undefined;
  const id = rng.pick(free);
  busy.add(id);
  return id;
}
