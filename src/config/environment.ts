import { z } from 'zod';

/**
 * Every environment variable the server reads, with its default. This schema is the single
 * source of truth: README.md and .env.example list the same names (a test checks it).
 */

const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

const integer = (defaultValue: number, min: number, max = Number.MAX_SAFE_INTEGER) => wholeNumber(min, max).default(defaultValue);

/** A whole number whose default depends on other settings: undefined when unset. */
const optionalInteger = (min: number, max: number) => wholeNumber(min, max).optional();

const flag = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .transform((value) => value === 'true' || value === '1')
    .default(defaultValue);

const postgresUrl = z.url({
  protocol: /^postgres(ql)?$/,
  error: 'must be a URL like postgresql://user:password@host:5432/database',
});

export const environmentSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: integer(4000, 0, 65535),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    GRAPHQL_INTROSPECTION: flag(true),
    GRAPHQL_EXECUTOR: z.enum(['jit', 'graphql-js'], { error: 'must be jit or graphql-js' }).default('jit'),
    GRAPHQL_MAX_DEPTH: integer(25, 1),
    GRAPHQL_MAX_ALIASES: integer(30, 0),
    GRAPHQL_MAX_COST: integer(5_000, 1),
    GRAPHQL_COUNT_COST: integer(900, 0),
    GRAPHQL_MAX_TOKENS: integer(10_000, 100),
    HTTP_BODY_LIMIT_BYTES: integer(102_400, 1_024),
    // Unset: a production default, 0 elsewhere (config.ts).
    SHUTDOWN_DRAIN_DELAY_MS: optionalInteger(0, 600_000),
    SHUTDOWN_TIMEOUT_MS: integer(10_000, 0),

    DATABASE_URL: postgresUrl.optional(),
    DATABASE_REPLICA_URLS: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((url) => url.trim())
          .filter(Boolean),
      )
      .pipe(z.array(postgresUrl))
      .default([]),
    DB_REPLICA_MAX_LAG_SECONDS: integer(10, 0),
    DB_REPLICA_CHECK_INTERVAL_MS: integer(1_000, 100),
    DB_TRANSACTION_POOLING: flag(false),
    EXPECTED_INSTANCES: integer(1, 1),
    DATA_DIR: z.string().min(1).optional(),
    EMBEDDED_PG_PORT: integer(54329, 1, 65535),
    EMBEDDED_PG_SYSTEM_DIR: z.string().min(1).default('/var/lib/interview-sessions-api'),

    DB_POOL_MIN: integer(5, 0),
    DB_POOL_MAX: integer(20, 1),
    DB_POOL_MAX_LIFETIME_MS: integer(1_800_000, 0),
    DB_POOL_MAX_LIFETIME_JITTER_MS: integer(180_000, 0),
    DB_POOL_IDLE_TIMEOUT_MS: integer(600_000, 1_000),
    DB_POOL_ACQUIRE_TIMEOUT_MS: integer(2_000, 1),
    DB_POOL_PRE_PING: flag(true),
    DB_POOL_PRE_PING_TIMEOUT_MS: integer(500, 1),
    DB_POOL_PRE_PING_BYPASS_MS: integer(500, 0),
    DB_CONNECT_TIMEOUT_MS: integer(2_000, 1),
    DB_STATEMENT_TIMEOUT_MS: integer(2_000, 0),
    DB_QUERY_TIMEOUT_MS: integer(2_500, 0),
    DB_MAX_CONNECTIONS_PER_REQUEST: integer(2, 1),
    DB_EXPENSIVE_READS_PERCENT: integer(25, 1, 100),
    DB_EXPENSIVE_READS_WAIT_MS: integer(1_000, 0),
  })
  .refine((env) => env.DB_POOL_MIN <= env.DB_POOL_MAX, {
    path: ['DB_POOL_MIN'],
    error: 'must not be greater than DB_POOL_MAX',
  });

export type Environment = z.infer<typeof environmentSchema>;

/** Documentation for README.md and .env.example, kept next to the schema it describes. */
export const environmentDescriptions: Record<keyof Environment, string> = {
  NODE_ENV: 'development, production or test; production hides error details',
  HOST: 'interface the HTTP server listens on',
  PORT: 'HTTP port (0 picks a free one)',
  LOG_LEVEL: 'fatal, error, warn, info, debug, trace or silent',
  GRAPHQL_INTROSPECTION: 'serve the schema through introspection',
  GRAPHQL_EXECUTOR: 'jit (graphql-jit: each document compiled once) or graphql-js (the reference interpreter); the answers are the same',
  GRAPHQL_MAX_DEPTH: 'deepest field nesting a document may have (introspection included)',
  GRAPHQL_MAX_ALIASES: 'most aliases in one document',
  GRAPHQL_MAX_COST:
    'highest cost of a document: 1 per scalar field, 2 per object field, per item of a page, and GRAPHQL_COUNT_COST per count (see Fair use)',
  GRAPHQL_COUNT_COST: 'what a field that counts rows (totalCount) adds to the cost of a document',
  GRAPHQL_MAX_TOKENS: 'most lexical tokens in one document; parsing stops beyond',
  HTTP_BODY_LIMIT_BYTES: 'largest request body accepted',
  SHUTDOWN_DRAIN_DELAY_MS:
    'after SIGTERM/SIGINT, how long /health/ready answers 503 while every request is still served, before the server stops accepting; unset = 10000 with NODE_ENV=production, else 0',
  SHUTDOWN_TIMEOUT_MS: 'how long in-flight requests may run once the server stops accepting',
  DATABASE_URL: 'PostgreSQL to use; unset = start the embedded PostgreSQL',
  DATABASE_REPLICA_URLS: 'comma-separated streaming replicas that serve reads; unset = the primary serves everything',
  DB_REPLICA_MAX_LAG_SECONDS: 'a replica further behind than this is skipped until it catches up',
  DB_REPLICA_CHECK_INTERVAL_MS: 'how often each replica is checked (reachable, replay lag)',
  DB_TRANSACTION_POOLING: 'behind PgBouncer in transaction mode: send no session settings (set statement_timeout on the role)',
  EXPECTED_INSTANCES: 'how many instances share the database, for the connection budget check at start',
  DATA_DIR:
    'data directory of the embedded PostgreSQL; unset = ./.data, or EMBEDDED_PG_SYSTEM_DIR/data-<hash> as root when the OS user postgres cannot reach ./.data',
  EMBEDDED_PG_PORT: 'port of the embedded PostgreSQL',
  EMBEDDED_PG_SYSTEM_DIR:
    'as root: where the embedded PostgreSQL gets what the OS user postgres cannot reach inside the clone (a copy of its binaries, its data)',
  DB_POOL_MIN: 'connections kept open even when idle',
  DB_POOL_MAX: 'most connections the pool opens',
  DB_POOL_MAX_LIFETIME_MS: 'a connection older than this is replaced (0 = never)',
  DB_POOL_MAX_LIFETIME_JITTER_MS: 'random extra lifetime per connection, so instances do not reconnect in lock-step',
  DB_POOL_IDLE_TIMEOUT_MS: 'connections above DB_POOL_MIN idle this long are closed',
  DB_POOL_ACQUIRE_TIMEOUT_MS: 'longest wait for a pooled connection, including opening one',
  DB_POOL_PRE_PING: 'check a connection with `select 1` before handing it out',
  DB_POOL_PRE_PING_TIMEOUT_MS: 'a check that takes longer than this discards the connection',
  DB_POOL_PRE_PING_BYPASS_MS: 'a connection checked out this recently is trusted without a check',
  DB_CONNECT_TIMEOUT_MS: 'longest wait for a new connection to open',
  DB_STATEMENT_TIMEOUT_MS: 'server-side statement_timeout (0 = none)',
  DB_QUERY_TIMEOUT_MS: 'client-side limit for one query, catches silent sockets (0 = none)',
  DB_MAX_CONNECTIONS_PER_REQUEST: 'most pooled connections one request holds at once; its other reads wait their turn',
  DB_EXPENSIVE_READS_PERCENT:
    'share of DB_POOL_MAX (at least one connection) that expensive reads (counts) may hold at once, across all requests',
  DB_EXPENSIVE_READS_WAIT_MS: 'longest wait of an expensive read for that share; then EXPENSIVE_READS_BUSY',
};
