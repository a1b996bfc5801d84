import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Every environment variable the server reads, with its default. This schema and its
 * documentation below are the single source of truth: `npm run docs` writes
 * docs/configuration.md and .env.example from them (src/config/configuration-docs.ts), and a test
 * fails when those files are stale.
 */

/** JWS algorithms a token may be signed with (RFC 7518); `none` is not one of them. */
const JWT_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];
const isHmac = (algorithm: JwtAlgorithm) => algorithm.startsWith('HS');

/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash. */
const MIN_SECRET_BYTES = 32;

const isLoopback = (hostname: string) => ['localhost', '127.0.0.1', '[::1]'].includes(hostname);

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

/** A comma-separated list: `a, b,c` → ['a', 'b', 'c']; empty items dropped. */
const commaList = () =>
  z.string().transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

/** proxy-addr's names for address ranges, as Fastify's trustProxy takes them. */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];
const isProxyAddress = (entry: string) => {
  const [address = '', prefix, ...rest] = entry.split('/');
  if (PROXY_RANGES.includes(entry)) return true;
  const family = isIP(address);
  return (
    family !== 0 && rest.length === 0 && (prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)))
  );
};

/** Which peers may say, in X-Forwarded-For, whom they forward for: none, all, or these addresses and ranges. */
const trustedProxies = () =>
  z
    .string()
    .transform((value, context): boolean | string[] => {
      if (value === 'true' || value === 'false') return value === 'true';
      const entries = value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean);
      const wrong = entries.filter((entry) => !isProxyAddress(entry));
      if (entries.length === 0 || wrong.length > 0) {
        context.addIssue({
          code: 'custom',
          message: `must be false, true, or the proxies' addresses and ranges (e.g. 10.0.0.0/8,loopback); not ${wrong.join(', ') || 'empty'}`,
        });
      }
      return entries;
    })
    .default(false);

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
    GRAPHQL_APQ_CACHE_MB: integer(8, 0, 1_024),
    // Unset: off without a manifest; with one, it must be chosen (checkTrustedDocuments).
    TRUSTED_DOCUMENTS: z.enum(['off', 'log', 'enforce'], { error: 'must be off, log or enforce' }).optional(),
    TRUSTED_DOCUMENTS_MANIFEST: z.string().min(1).optional(),
    HTTP_BODY_LIMIT_BYTES: integer(102_400, 1_024),
    HTTP_REQUEST_TIMEOUT_MS: integer(10_000, 100),
    HTTP_CONNECTION_TIMEOUT_MS: integer(30_000, 1_000),
    HTTP_MAX_CONNECTIONS: integer(2_000, 1),
    HTTP_MAX_IN_FLIGHT: integer(64, 1),
    HTTP_TRUST_PROXY: trustedProxies(),
    // Unset: a production default, 0 elsewhere (config.ts).
    SHUTDOWN_DRAIN_DELAY_MS: optionalInteger(0, 600_000),
    SHUTDOWN_TIMEOUT_MS: integer(10_000, 0),
    IDEMPOTENCY_KEY_TTL_SECONDS: integer(86_400, 1),
    IDEMPOTENCY_KEY_REQUIRED: flag(false),
    IDEMPOTENCY_KEY_CLEANUP_INTERVAL_MS: integer(60_000, 100),

    // Unset: none in development and test (with a warning at start); refused in production.
    AUTH_MODE: z.enum(['jwt', 'none'], { error: 'must be jwt or none' }).optional(),
    AUTH_JWT_SECRET: z
      .string()
      .refine((secret) => Buffer.byteLength(secret, 'utf8') >= MIN_SECRET_BYTES, {
        error: `must be at least ${MIN_SECRET_BYTES} bytes (e.g. the output of openssl rand -base64 48)`,
      })
      .optional(),
    AUTH_JWKS_URL: z
      .url({ protocol: /^https?$/, error: 'must be a URL like https://issuer.example.com/.well-known/jwks.json' })
      .refine((url) => url.startsWith('https:') || isLoopback(new URL(url).hostname), {
        error: 'must be https:// (plain http only to localhost): the keys decide who is trusted',
      })
      .optional(),
    AUTH_JWT_ISSUER: z.string().min(1).optional(),
    AUTH_JWT_AUDIENCE: commaList()
      .pipe(z.array(z.string()).min(1, { error: 'must name at least one audience' }))
      .optional(),
    AUTH_JWT_ALGORITHMS: commaList()
      .pipe(
        z
          .array(z.enum(JWT_ALGORITHMS, { error: `must list algorithms among ${JWT_ALGORITHMS.join(', ')} ("none" never)` }))
          .min(1, { error: 'must list at least one algorithm' }),
      )
      .optional(),
    AUTH_JWT_CLOCK_TOLERANCE_SECONDS: integer(30, 0, 300),
    AUTH_JWKS_COOLDOWN_MS: integer(30_000, 0),
    AUTH_JWKS_MAX_AGE_MS: integer(600_000, 1_000),
    AUTH_TOKEN_CACHE_SIZE: integer(5_000, 0),

    DATABASE_URL: postgresUrl.optional(),
    DATABASE_REPLICA_URLS: commaList().pipe(z.array(postgresUrl)).default([]),
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

    // Unset: no budget (checkBudget).
    CLIENT_COST_BUDGET: optionalInteger(1, 1_000_000_000),
    // Unset: the budget refills in a minute.
    CLIENT_COST_RESTORE_PER_SECOND: optionalInteger(1, 1_000_000_000),
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a URL like redis://user:password@host:6379/0' }).optional(),
    REDIS_KEY_PREFIX: z.string().min(1).default('interview-sessions-api:'),
    REDIS_TIMEOUT_MS: integer(50, 1, 10_000),
  })
  .refine((env) => env.DB_POOL_MIN <= env.DB_POOL_MAX, {
    path: ['DB_POOL_MIN'],
    error: 'must not be greater than DB_POOL_MAX',
  })
  .superRefine((env, context) => {
    checkAuthentication(env, context);
    checkTrustedDocuments(env, context);
    checkBudget(env, context);
  });

export type Environment = z.infer<typeof environmentSchema>;

/** The settings that configure JWT verification: any of them set means AUTH_MODE=jwt was meant. */
const JWT_SETTINGS = ['AUTH_JWT_SECRET', 'AUTH_JWKS_URL', 'AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE', 'AUTH_JWT_ALGORITHMS'] as const;

/** AUTH_MODE, or what the settings imply: any JWT setting means jwt; undefined when nothing says. */
export function authModeOf(env: Environment): Environment['AUTH_MODE'] {
  return env.AUTH_MODE ?? (JWT_SETTINGS.some((name) => env[name] !== undefined) ? 'jwt' : undefined);
}

/** The authentication settings must make one clear choice; production must make it explicitly. */
function checkAuthentication(env: Environment, context: z.RefinementCtx): void {
  const problem = (variable: keyof Environment, message: string) => context.addIssue({ code: 'custom', path: [variable], message });
  const jwtSettings = JWT_SETTINGS.filter((name) => env[name] !== undefined);
  const mode = authModeOf(env);
  if (mode === undefined) {
    if (env.NODE_ENV === 'production') {
      problem(
        'AUTH_MODE',
        'must be set with NODE_ENV=production: AUTH_MODE=jwt with AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE and AUTH_JWT_SECRET or AUTH_JWKS_URL, ' +
          'or AUTH_MODE=none when a gateway in front authenticates every request',
      );
    }
    return;
  }
  if (mode === 'none') {
    if (jwtSettings.length > 0)
      problem('AUTH_MODE', `is none, but ${jwtSettings.join(', ')} is set: set AUTH_MODE=jwt, or remove the JWT settings`);
    return;
  }
  if (env.AUTH_JWT_SECRET === undefined && env.AUTH_JWKS_URL === undefined) {
    problem('AUTH_MODE', "is jwt: set AUTH_JWT_SECRET (a shared HS256 secret) or AUTH_JWKS_URL (the issuer's public keys)");
  }
  if (env.AUTH_JWT_SECRET !== undefined && env.AUTH_JWKS_URL !== undefined) {
    problem('AUTH_JWT_SECRET', 'and AUTH_JWKS_URL are both set: keep the one your issuer uses');
  }
  if (env.AUTH_JWT_ISSUER === undefined) problem('AUTH_JWT_ISSUER', "must be set with AUTH_MODE=jwt: the tokens' iss");
  if (env.AUTH_JWT_AUDIENCE === undefined)
    problem('AUTH_JWT_AUDIENCE', "must be set with AUTH_MODE=jwt: this API's name in the tokens' aud");
  // No HMAC/RSA confusion: a shared secret verifies HMAC only, a JWKS's public keys never do.
  const algorithms = env.AUTH_JWT_ALGORITHMS ?? [];
  const hmac = algorithms.filter(isHmac);
  if (env.AUTH_JWT_SECRET !== undefined && hmac.length < algorithms.length) {
    problem('AUTH_JWT_ALGORITHMS', 'must list only HS256, HS384 or HS512 with AUTH_JWT_SECRET');
  }
  if (env.AUTH_JWKS_URL !== undefined && hmac.length > 0) {
    problem(
      'AUTH_JWT_ALGORITHMS',
      `must not list ${hmac.join(', ')} with AUTH_JWKS_URL: public keys verify RS, PS, ES or EdDSA signatures only`,
    );
  }
}

/**
 * Trusted documents need a manifest; a manifest needs a choice of mode, since `log` and
 * `enforce` do very different things to the clients that are not in it.
 */
function checkTrustedDocuments(env: Environment, context: z.RefinementCtx): void {
  const mode = env.TRUSTED_DOCUMENTS;
  if ((mode === 'log' || mode === 'enforce') && env.TRUSTED_DOCUMENTS_MANIFEST === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['TRUSTED_DOCUMENTS'],
      message: `is ${mode}: set TRUSTED_DOCUMENTS_MANIFEST to the manifest of your clients' operations`,
    });
  }
  if (mode === undefined && env.TRUSTED_DOCUMENTS_MANIFEST !== undefined) {
    context.addIssue({
      code: 'custom',
      path: ['TRUSTED_DOCUMENTS'],
      message:
        'must be set with TRUSTED_DOCUMENTS_MANIFEST: log (everything runs; what enforce would refuse is logged), then enforce (only the manifest runs)',
    });
  }
}

/** Seconds the budget takes to refill when CLIENT_COST_RESTORE_PER_SECOND is unset. */
export const DEFAULT_BUDGET_REFILL_SECONDS = 60;
/** The longest a budget may take to refill: a client's key lives that long in Redis or in memory. */
const MAX_BUDGET_REFILL_SECONDS = 86_400;

/**
 * A budget must pay for the costliest document the limits accept, on every instance (each keeps
 * its share in memory without Redis, and while Redis cannot be reached), and refill within a day.
 */
function checkBudget(env: Environment, context: z.RefinementCtx): void {
  const problem = (variable: keyof Environment, message: string) => context.addIssue({ code: 'custom', path: [variable], message });
  const budget = env.CLIENT_COST_BUDGET;
  if (budget === undefined) {
    if (env.CLIENT_COST_RESTORE_PER_SECOND !== undefined)
      problem('CLIENT_COST_RESTORE_PER_SECOND', 'is set, but CLIENT_COST_BUDGET is not: set the budget it refills');
    return;
  }
  const instances = env.EXPECTED_INSTANCES;
  if (Math.floor(budget / instances) < env.GRAPHQL_MAX_COST) {
    problem(
      'CLIENT_COST_BUDGET',
      `must be at least GRAPHQL_MAX_COST × EXPECTED_INSTANCES (${env.GRAPHQL_MAX_COST} × ${instances}): ` +
        "each instance's share (what it keeps in memory, without Redis or while Redis cannot be reached) must pay for any document the limits accept",
    );
  }
  const restore = env.CLIENT_COST_RESTORE_PER_SECOND ?? budget / DEFAULT_BUDGET_REFILL_SECONDS;
  if (budget / restore > MAX_BUDGET_REFILL_SECONDS)
    problem(
      'CLIENT_COST_RESTORE_PER_SECOND',
      `must refill CLIENT_COST_BUDGET within a day: at least ${Math.ceil(budget / MAX_BUDGET_REFILL_SECONDS)}`,
    );
}

/**
 * The sections of docs/configuration.md and .env.example, in their order, each with the page of
 * docs/ that explains its settings.
 */
export const ENVIRONMENT_SECTIONS = {
  server: { title: 'Server', explainedIn: 'operations.md#starting' },
  http: { title: 'HTTP', explainedIn: 'security.md#hostile-input' },
  graphql: { title: 'GraphQL and query limits', explainedIn: 'security.md#query-limits' },
  authentication: { title: 'Authentication', explainedIn: 'security.md#authentication' },
  shutdown: { title: 'Shutdown', explainedIn: 'deploying.md#draining' },
  idempotency: { title: 'Retrying safely', explainedIn: 'retrying.md' },
  trustedDocuments: { title: 'Trusted documents and client budgets', explainedIn: 'trusted-documents-and-budgets.md' },
  database: { title: 'Database', explainedIn: 'operations.md#when-the-database-fails' },
  pool: { title: 'Connection pool', explainedIn: 'operations.md#the-connection-pool' },
  fairUse: { title: 'Fair use of the pool', explainedIn: 'security.md#fair-use' },
  scaleOut: { title: 'Several instances, PgBouncer, replicas', explainedIn: 'deploying.md' },
  embedded: { title: 'Embedded PostgreSQL', explainedIn: 'operations.md#the-embedded-postgresql' },
} as const;

export interface VariableDocumentation {
  section: keyof typeof ENVIRONMENT_SECTIONS;
  /** One line: what it sets, in the words of the docs. */
  description: string;
  /** For a variable unset by default: a value to start from in .env.example. */
  example?: string;
}

/** What each variable means, kept next to the schema it describes. */
export const environmentDocumentation: Record<keyof Environment, VariableDocumentation> = {
  NODE_ENV: {
    section: 'server',
    description:
      'development, production or test; production needs AUTH_MODE, drains before a stop, and leaves out the Sandbox page and "Did you mean" hints',
  },
  HOST: { section: 'server', description: 'interface the HTTP server listens on' },
  PORT: { section: 'server', description: 'HTTP port (0 picks a free one)' },
  LOG_LEVEL: { section: 'server', description: 'fatal, error, warn, info, debug, trace or silent' },
  HTTP_BODY_LIMIT_BYTES: { section: 'http', description: 'largest request body accepted; a larger one gets 400 REQUEST_TOO_LARGE' },
  HTTP_REQUEST_TIMEOUT_MS: {
    section: 'http',
    description:
      'longest a client may take to send a whole request, headers and body; a slower one gets 408 REQUEST_TIMEOUT and its connection is closed',
  },
  HTTP_CONNECTION_TIMEOUT_MS: {
    section: 'http',
    description: 'a connection silent this long in the middle of a request or response is closed (idle keep-alive connections: 72 s)',
  },
  HTTP_MAX_IN_FLIGHT: {
    section: 'http',
    description:
      'most GraphQL requests served at once; past it, a request is refused at once with 503 OVERLOADED and Retry-After (counted in http_requests_refused_total), instead of queueing',
  },
  HTTP_MAX_CONNECTIONS: {
    section: 'http',
    description:
      'most client connections open at once; past it, new connections are closed at once (counted in http_requests_refused_total)',
  },
  HTTP_TRUST_PROXY: {
    section: 'http',
    description:
      "which peers' X-Forwarded-For names the client (its address is the client's identity for CLIENT_COST_BUDGET with AUTH_MODE=none): false (none: the peer is the client), true (any: only when no client can reach the port), or the proxies' addresses and ranges, comma-separated (10.0.0.0/8,loopback)",
  },
  GRAPHQL_INTROSPECTION: { section: 'graphql', description: 'serve the schema through introspection' },
  GRAPHQL_EXECUTOR: {
    section: 'graphql',
    description:
      'jit (queries compiled once by graphql-jit; mutations always run on graphql-js) or graphql-js (the reference interpreter); the answers are the same',
  },
  GRAPHQL_MAX_DEPTH: { section: 'graphql', description: 'deepest field nesting a document may have (introspection included)' },
  GRAPHQL_MAX_ALIASES: { section: 'graphql', description: 'most aliases in one document (__typename included)' },
  GRAPHQL_MAX_COST: {
    section: 'graphql',
    description:
      'highest cost of a document: 1 per scalar field, 2 per object field, the fields of a page once per item, and GRAPHQL_COUNT_COST per count',
  },
  GRAPHQL_COUNT_COST: { section: 'graphql', description: 'what a field that counts rows (totalCount) adds to the cost of a document' },
  GRAPHQL_MAX_TOKENS: { section: 'graphql', description: 'most lexical tokens in one document; parsing stops beyond' },
  AUTH_MODE: {
    section: 'authentication',
    description:
      'jwt (bearer tokens, verified here) or none (a gateway in front authenticates); unset = none with a warning, refused with NODE_ENV=production; any AUTH_JWT_ setting or AUTH_JWKS_URL means jwt',
    example: 'jwt',
  },
  AUTH_JWT_SECRET: {
    section: 'authentication',
    description: 'shared secret (at least 32 bytes, used as its UTF-8 bytes) that verifies HS256 tokens; set this or AUTH_JWKS_URL',
  },
  AUTH_JWKS_URL: {
    section: 'authentication',
    description:
      "the issuer's public keys (JWKS; https, plain http only to localhost); the key is picked by the token's kid; set this or AUTH_JWT_SECRET",
    example: 'https://issuer.example.com/.well-known/jwks.json',
  },
  AUTH_JWT_ISSUER: {
    section: 'authentication',
    description: "required with jwt: the tokens' iss must be exactly this",
    example: 'https://issuer.example.com/',
  },
  AUTH_JWT_AUDIENCE: {
    section: 'authentication',
    description: "required with jwt: the tokens' aud must contain one of these (comma-separated)",
    example: 'interview-sessions-api',
  },
  AUTH_JWT_ALGORITHMS: {
    section: 'authentication',
    description:
      'comma-separated algorithms a token may use; unset = HS256 with AUTH_JWT_SECRET, RS256,ES256 with AUTH_JWKS_URL; none is never accepted',
    example: 'RS256,ES256',
  },
  AUTH_JWT_CLOCK_TOLERANCE_SECONDS: {
    section: 'authentication',
    description: 'clock skew allowed when checking exp and nbf (at most 300)',
  },
  AUTH_JWKS_COOLDOWN_MS: {
    section: 'authentication',
    description: 'least time between two JWKS fetches caused by tokens (unknown kid, key server down)',
  },
  AUTH_JWKS_MAX_AGE_MS: { section: 'authentication', description: 'the JWKS is fetched again when it is older than this' },
  AUTH_TOKEN_CACHE_SIZE: {
    section: 'authentication',
    description: 'most verified tokens remembered until they expire, so each is verified once (~1 KB each; 0 = none)',
  },
  SHUTDOWN_DRAIN_DELAY_MS: {
    section: 'shutdown',
    description:
      'after SIGTERM/SIGINT, how long /health/ready answers 503 while every request is still served, before the server stops accepting; unset = 10000 with NODE_ENV=production, else 0',
  },
  SHUTDOWN_TIMEOUT_MS: { section: 'shutdown', description: 'how long in-flight requests may run once the server stops accepting' },
  GRAPHQL_APQ_CACHE_MB: {
    section: 'trustedDocuments',
    description:
      "memory for automatic persisted queries (Apollo Client's persisted-query link) while TRUSTED_DOCUMENTS is off; the least recently used go first; 0 = not offered (PERSISTED_QUERY_NOT_SUPPORTED)",
  },
  TRUSTED_DOCUMENTS: {
    section: 'trustedDocuments',
    description:
      'off, log (everything runs; each document not in the manifest is logged once and counted) or enforce (a document sent as text runs only if it is in the manifest: 403 PERSISTED_QUERY_NOT_IN_LIST); unset = off, and must be set with a manifest',
    example: 'log',
  },
  TRUSTED_DOCUMENTS_MANIFEST: {
    section: 'trustedDocuments',
    description:
      "path of the manifest of your clients' operations, in the format of Apollo's generate-persisted-query-manifest; checked against the schema at start",
    example: './persisted-query-manifest.json',
  },
  CLIENT_COST_BUDGET: {
    section: 'trustedDocuments',
    description:
      "cost points each client (its token's sub; its address with AUTH_MODE=none) may spend before it is refused with 429 RATE_LIMITED, refilled over time; unset = no budget (extensions.cost still reports each cost)",
    example: '100000',
  },
  CLIENT_COST_RESTORE_PER_SECOND: {
    section: 'trustedDocuments',
    description: 'points per second the budget refills at, on average; unset = the whole budget in 60 s',
  },
  REDIS_URL: {
    section: 'trustedDocuments',
    description:
      'Redis the instances share the budgets through; unset = each instance keeps its share (CLIENT_COST_BUDGET / EXPECTED_INSTANCES) in memory',
    example: 'redis://127.0.0.1:6379/0',
  },
  REDIS_KEY_PREFIX: { section: 'trustedDocuments', description: 'prefix of every key this server writes to Redis' },
  REDIS_TIMEOUT_MS: {
    section: 'trustedDocuments',
    description:
      "longest wait for Redis per request; past it, or with Redis down, the request is charged to the instance's share in memory, and the miss is logged and counted",
  },
  IDEMPOTENCY_KEY_TTL_SECONDS: {
    section: 'idempotency',
    description: 'how long an Idempotency-Key and its response are kept; past it, the same key executes afresh',
  },
  IDEMPOTENCY_KEY_REQUIRED: {
    section: 'idempotency',
    description: 'true: a mutation without an Idempotency-Key header is refused (400 IDEMPOTENCY_KEY_REQUIRED)',
  },
  IDEMPOTENCY_KEY_CLEANUP_INTERVAL_MS: {
    section: 'idempotency',
    description: 'how often expired idempotency keys are deleted, in small batches that never hold the pool, in the background',
  },
  DATABASE_URL: {
    section: 'database',
    description: 'PostgreSQL to use; unset = start the embedded PostgreSQL',
    example: 'postgresql://user:password@localhost:5432/interview_sessions',
  },
  DB_CONNECT_TIMEOUT_MS: { section: 'database', description: 'longest wait for a new connection to open' },
  DB_STATEMENT_TIMEOUT_MS: {
    section: 'database',
    description: 'server-side statement_timeout (0 = none); a statement past it is QUERY_TIMED_OUT',
  },
  DB_QUERY_TIMEOUT_MS: { section: 'database', description: 'client-side limit for one query, catches silent sockets (0 = none)' },
  DB_POOL_MIN: { section: 'pool', description: 'connections opened at start and kept open even when idle' },
  DB_POOL_MAX: { section: 'pool', description: 'most connections the pool opens' },
  DB_POOL_MAX_LIFETIME_MS: { section: 'pool', description: 'a connection older than this is replaced (0 = never)' },
  DB_POOL_MAX_LIFETIME_JITTER_MS: {
    section: 'pool',
    description: 'random extra lifetime per connection, so instances do not reconnect in lock-step',
  },
  DB_POOL_IDLE_TIMEOUT_MS: { section: 'pool', description: 'connections above DB_POOL_MIN idle this long are closed' },
  DB_POOL_ACQUIRE_TIMEOUT_MS: {
    section: 'pool',
    description: 'longest wait for a pooled connection, including opening one; then DATABASE_UNAVAILABLE',
  },
  DB_POOL_PRE_PING: { section: 'pool', description: 'check a connection with `select 1` before handing it out' },
  DB_POOL_PRE_PING_TIMEOUT_MS: { section: 'pool', description: 'a check that takes longer than this discards the connection' },
  DB_POOL_PRE_PING_BYPASS_MS: { section: 'pool', description: 'a connection checked out this recently is trusted without a check' },
  DB_MAX_CONNECTIONS_PER_REQUEST: {
    section: 'fairUse',
    description: 'most pooled connections one request holds at once; its other reads wait their turn',
  },
  DB_EXPENSIVE_READS_PERCENT: {
    section: 'fairUse',
    description: 'share of DB_POOL_MAX (at least one connection) that expensive reads (counts) may hold at once, across all requests',
  },
  DB_EXPENSIVE_READS_WAIT_MS: {
    section: 'fairUse',
    description: 'longest wait of an expensive read for that share; then EXPENSIVE_READS_BUSY',
  },
  DATABASE_REPLICA_URLS: {
    section: 'scaleOut',
    description: 'comma-separated streaming replicas that serve reads; unset = the primary serves everything',
    example: 'postgresql://user:password@replica-1:5432/interview_sessions,postgresql://user:password@replica-2:5432/interview_sessions',
  },
  DB_REPLICA_MAX_LAG_SECONDS: { section: 'scaleOut', description: 'a replica further behind than this is skipped until it catches up' },
  DB_REPLICA_CHECK_INTERVAL_MS: { section: 'scaleOut', description: 'how often each replica is checked (reachable, replay lag)' },
  DB_TRANSACTION_POOLING: {
    section: 'scaleOut',
    description:
      'behind PgBouncer in transaction mode: send no session settings and no named prepared statements (set statement_timeout on the role)',
  },
  EXPECTED_INSTANCES: {
    section: 'scaleOut',
    description: 'how many instances share the database, for the connection budget check at start',
  },
  DATA_DIR: {
    section: 'embedded',
    description:
      'data directory of the embedded PostgreSQL; unset = ./.data, or EMBEDDED_PG_SYSTEM_DIR/data-<hash> as root when the OS user postgres cannot reach ./.data',
  },
  EMBEDDED_PG_PORT: {
    section: 'embedded',
    description: 'port of the embedded PostgreSQL, on 127.0.0.1; the migration commands find a running npm start there',
  },
  EMBEDDED_PG_SYSTEM_DIR: {
    section: 'embedded',
    description:
      'as root: where the embedded PostgreSQL gets what the OS user postgres cannot reach inside the clone (a copy of its binaries, its data)',
  },
};
