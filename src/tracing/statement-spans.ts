import { context, SpanKind, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { QueryResult } from 'pg';
import type { PooledClient } from '../database/pool/connection-health';
import { recordFailure } from './span-failure';
import { summaryOf } from './statement-summary';

type QueryCallback = (error: Error | null, result?: QueryResult) => void;
type Query = (config: unknown, callback?: QueryCallback) => unknown;

const traced = new WeakSet<PooledClient>();
/** PostgreSQL's error codes; a socket's (ECONNRESET) are no status of the database. */
const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * One CLIENT span per SQL statement sent on this connection, with OpenTelemetry's database
 * conventions: `db.system.name` postgresql, the database, the operation and table, and the
 * summary (`SELECT interview_session`) as the name; the pool is the one its wait span names. Not the statement's text: MikroORM inlines
 * the values of some statements (a batch insert puts the client's title in its SQL), and a trace
 * must never carry a client's data. knex's statements (MikroORM's writes) and the raw reads both go through the client's
 * query(); the pre-ping does not (connection-health.ts calls the query underneath), so it is no
 * statement here but part of the wait (pool-spans.ts). Only inside a traced request: background
 * work makes none.
 */
export function traceStatements(client: PooledClient, tracer: Tracer): void {
  if (traced.has(client)) return;
  traced.add(client);
  const query = client.query.bind(client) as Query;
  client.query = ((config: unknown, callback?: QueryCallback) => {
    const parent = context.active();
    if (!trace.getSpan(parent)?.isRecording()) return query(config, callback);
    const text = typeof config === 'string' ? config : (config as { text: string }).text;
    const { operation, collection, summary } = summaryOf(text);
    const span = tracer.startSpan(
      summary,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'postgresql',
          'db.namespace': client.database,
          'db.operation.name': operation,
          ...(collection && { 'db.collection.name': collection }),
          'db.query.summary': summary,
        },
      },
      parent,
    );
    // knex passes a callback; the raw reads (read-query.ts) use the promise.
    if (typeof callback === 'function') {
      return query(config, (error, result) => {
        ended(span, error);
        callback(error, result);
      });
    }
    return (query(config) as Promise<QueryResult>).then(
      (result) => {
        ended(span, null);
        return result;
      },
      (error: unknown) => {
        ended(span, error);
        throw error;
      },
    );
  }) as never;
}

function ended(span: Span, error: unknown): void {
  if (error) {
    recordFailure(span, error);
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && SQLSTATE.test(code)) span.setAttribute('db.response.status_code', code);
  }
  span.end();
}
