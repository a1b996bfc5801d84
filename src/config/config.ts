import { StartupError } from '../startup-error';
import { authModeOf, DEFAULT_BUDGET_REFILL_SECONDS, environmentSchema, type Environment, type JwtAlgorithm } from './environment';

export interface PoolConfig {
  min: number;
  max: number;
  maxLifetimeMs: number;
  maxLifetimeJitterMs: number;
  idleTimeoutMs: number;
  acquireTimeoutMs: number;
  prePing: boolean;
  prePingTimeoutMs: number;
  prePingBypassMs: number;
}

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  /** What a counting field adds to a document's cost. */
  countCost: number;
  maxTokens: number;
}

/** How requests share the pool (see database/pool/pool-sharing.ts). */
export interface PoolSharingConfig {
  connectionsPerRequest: number;
  /** Connections expensive reads may hold at once, across all requests. */
  expensiveReads: number;
  expensiveReadsWaitMs: number;
}

export interface DatabaseConfig {
  /** Unset: the server starts its own embedded PostgreSQL. */
  url?: string;
  replicas: { urls: string[]; maxLagSeconds: number; checkIntervalMs: number };
  /** Behind PgBouncer in transaction mode: no per-connection session settings. */
  transactionPooling: boolean;
  expectedInstances: number;
  embedded: { dataDir?: string; port: number; systemDir: string };
  pool: PoolConfig;
  sharing: PoolSharingConfig;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  queryTimeoutMs: number;
}

/** Where the keys that verify tokens come from: a shared secret, or the issuer's JWKS. */
export type TokenKeys = { kind: 'secret'; secret: Uint8Array } | { kind: 'jwks'; url: URL; cooldownMs: number; maxAgeMs: number };

export type AuthConfig =
  /** `explicit`: AUTH_MODE=none was set (a gateway authenticates); otherwise it is the development default. */
  | { mode: 'none'; explicit: boolean }
  | {
      mode: 'jwt';
      keys: TokenKeys;
      issuer: string;
      audience: string[];
      /** Never empty, never `none`; HMAC only with a secret, never with a JWKS. */
      algorithms: JwtAlgorithm[];
      clockToleranceSeconds: number;
      tokenCacheSize: number;
    };

/** A budget of cost points per client (budgets/). */
export interface BudgetConfig {
  /** Points a client may spend before it waits, across all instances. */
  size: number;
  restorePerSecond: number;
  /** Without Redis, each instance keeps this share of the budget: 1 / expectedInstances. */
  expectedInstances: number;
  /** Where the instances share the budgets; none: each keeps its share in memory. */
  redis?: { url: string; keyPrefix: string; timeoutMs: number };
}

type TrustedDocumentsConfig =
  /** `ignoredManifest`: TRUSTED_DOCUMENTS_MANIFEST, set but not read. */
  { mode: 'off'; ignoredManifest?: string } | { mode: 'log' | 'enforce'; manifest: string };

export interface Config {
  nodeEnv: Environment['NODE_ENV'];
  logLevel: Environment['LOG_LEVEL'];
  http: {
    host: string;
    port: number;
    /** After SIGTERM/SIGINT: readiness 503 while everything is still served, for this long. */
    shutdownDrainDelayMs: number;
    /** Then: how long in-flight requests may run once the listener is closed. */
    shutdownTimeoutMs: number;
    /** What one client may hold of the HTTP server. */
    limits: { bodyLimitBytes: number; requestTimeoutMs: number; connectionTimeoutMs: number; maxConnections: number; maxInFlight: number };
    /** Fastify's trustProxy: which peers' X-Forwarded-For says who the client is. */
    trustProxy: boolean | string[];
  };
  graphql: {
    introspection: boolean;
    executor: Environment['GRAPHQL_EXECUTOR'];
    limits: QueryLimits;
    /** Memory for automatic persisted queries; 0: not offered. */
    apqCacheBytes: number;
    trustedDocuments: TrustedDocumentsConfig;
  };
  idempotency: { ttlSeconds: number; required: boolean; cleanupIntervalMs: number };
  auth: AuthConfig;
  database: DatabaseConfig;
  /** None: clients have no budget. */
  budget?: BudgetConfig;
}

/**
 * The drain in production when SHUTDOWN_DRAIN_DELAY_MS is unset: long enough for a load balancer
 * checking /health/ready every 2 s to see 3 failures (HAProxy's `inter 2s fall 3`), for a
 * Kubernetes readiness probe every 5 s, and for the endpoint change to reach kube-proxy and
 * ingress controllers; short enough that drain + SHUTDOWN_TIMEOUT_MS (10 s) + the last-resort
 * grace (5 s) stays within Kubernetes' default terminationGracePeriodSeconds (30 s).
 * Development and tests have no load balancer to wait for: 0.
 */
const PRODUCTION_DRAIN_DELAY_MS = 10_000;

/** Variables whose values are never repeated in an error message. */
const SECRET_VARIABLES = new Set(['AUTH_JWT_SECRET']);

export class ConfigError extends StartupError {
  override name = 'ConfigError';
}

/** Parses and validates the environment once; throws a ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const result = environmentSchema.safeParse(withoutEmptyValues(source));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const value = source[name];
      const given = value === undefined || SECRET_VARIABLES.has(name) ? '' : ` (got "${redactUrls(value)}")`;
      return `${name} ${issue.message}${given}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const env = result.data;
  return {
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    http: {
      host: env.HOST,
      port: env.PORT,
      shutdownDrainDelayMs: env.SHUTDOWN_DRAIN_DELAY_MS ?? (env.NODE_ENV === 'production' ? PRODUCTION_DRAIN_DELAY_MS : 0),
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      limits: {
        bodyLimitBytes: env.HTTP_BODY_LIMIT_BYTES,
        requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
        connectionTimeoutMs: env.HTTP_CONNECTION_TIMEOUT_MS,
        maxConnections: env.HTTP_MAX_CONNECTIONS,
        maxInFlight: env.HTTP_MAX_IN_FLIGHT,
      },
      trustProxy: env.HTTP_TRUST_PROXY,
    },
    graphql: {
      introspection: env.GRAPHQL_INTROSPECTION,
      executor: env.GRAPHQL_EXECUTOR,
      limits: {
        maxDepth: env.GRAPHQL_MAX_DEPTH,
        maxAliases: env.GRAPHQL_MAX_ALIASES,
        maxCost: env.GRAPHQL_MAX_COST,
        countCost: env.GRAPHQL_COUNT_COST,
        maxTokens: env.GRAPHQL_MAX_TOKENS,
      },
      apqCacheBytes: env.GRAPHQL_APQ_CACHE_MB * 2 ** 20,
      trustedDocuments: trustedDocumentsConfig(env),
    },
    idempotency: {
      ttlSeconds: env.IDEMPOTENCY_KEY_TTL_SECONDS,
      required: env.IDEMPOTENCY_KEY_REQUIRED,
      cleanupIntervalMs: env.IDEMPOTENCY_KEY_CLEANUP_INTERVAL_MS,
    },
    auth: authConfig(env),
    budget: budgetConfig(env),
    database: {
      url: env.DATABASE_URL,
      replicas: {
        urls: env.DATABASE_REPLICA_URLS,
        maxLagSeconds: env.DB_REPLICA_MAX_LAG_SECONDS,
        checkIntervalMs: env.DB_REPLICA_CHECK_INTERVAL_MS,
      },
      transactionPooling: env.DB_TRANSACTION_POOLING,
      expectedInstances: env.EXPECTED_INSTANCES,
      embedded: { dataDir: env.DATA_DIR, port: env.EMBEDDED_PG_PORT, systemDir: env.EMBEDDED_PG_SYSTEM_DIR },
      pool: {
        min: env.DB_POOL_MIN,
        max: env.DB_POOL_MAX,
        maxLifetimeMs: env.DB_POOL_MAX_LIFETIME_MS,
        maxLifetimeJitterMs: env.DB_POOL_MAX_LIFETIME_JITTER_MS,
        idleTimeoutMs: env.DB_POOL_IDLE_TIMEOUT_MS,
        acquireTimeoutMs: env.DB_POOL_ACQUIRE_TIMEOUT_MS,
        prePing: env.DB_POOL_PRE_PING,
        prePingTimeoutMs: env.DB_POOL_PRE_PING_TIMEOUT_MS,
        prePingBypassMs: env.DB_POOL_PRE_PING_BYPASS_MS,
      },
      sharing: {
        connectionsPerRequest: env.DB_MAX_CONNECTIONS_PER_REQUEST,
        expensiveReads: Math.max(1, Math.floor((env.DB_POOL_MAX * env.DB_EXPENSIVE_READS_PERCENT) / 100)),
        expensiveReadsWaitMs: env.DB_EXPENSIVE_READS_WAIT_MS,
      },
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      queryTimeoutMs: env.DB_QUERY_TIMEOUT_MS,
    },
  };
}

/** The schema has checked that the settings make one coherent choice (environment.ts). */
function authConfig(env: Environment): AuthConfig {
  const { AUTH_JWT_SECRET: secret, AUTH_JWKS_URL: jwksUrl, AUTH_JWT_ISSUER: issuer, AUTH_JWT_AUDIENCE: audience } = env;
  const mode = authModeOf(env) ?? 'none';
  if (mode === 'none') return { mode, explicit: env.AUTH_MODE === 'none' };
  const keys: TokenKeys | undefined =
    secret !== undefined
      ? { kind: 'secret', secret: new TextEncoder().encode(secret) }
      : jwksUrl !== undefined
        ? { kind: 'jwks', url: new URL(jwksUrl), cooldownMs: env.AUTH_JWKS_COOLDOWN_MS, maxAgeMs: env.AUTH_JWKS_MAX_AGE_MS }
        : undefined;
  // checkAuthentication (environment.ts) has refused this already; here it narrows the types.
  if (issuer === undefined || audience === undefined || keys === undefined) {
    throw new ConfigError(
      'Invalid configuration: AUTH_MODE=jwt needs AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE and AUTH_JWT_SECRET or AUTH_JWKS_URL',
    );
  }
  return {
    mode,
    keys,
    issuer,
    audience,
    algorithms: env.AUTH_JWT_ALGORITHMS ?? (keys.kind === 'secret' ? ['HS256'] : ['RS256', 'ES256']),
    clockToleranceSeconds: env.AUTH_JWT_CLOCK_TOLERANCE_SECONDS,
    tokenCacheSize: env.AUTH_TOKEN_CACHE_SIZE,
  };
}

function budgetConfig(env: Environment): BudgetConfig | undefined {
  const size = env.CLIENT_COST_BUDGET;
  if (size === undefined) return undefined;
  return {
    size,
    restorePerSecond: env.CLIENT_COST_RESTORE_PER_SECOND ?? Math.ceil(size / DEFAULT_BUDGET_REFILL_SECONDS),
    expectedInstances: env.EXPECTED_INSTANCES,
    redis:
      env.REDIS_URL === undefined ? undefined : { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX, timeoutMs: env.REDIS_TIMEOUT_MS },
  };
}

/** The schema has checked that log and enforce have a manifest (environment.ts). */
function trustedDocumentsConfig({
  TRUSTED_DOCUMENTS: mode = 'off',
  TRUSTED_DOCUMENTS_MANIFEST: manifest,
}: Environment): TrustedDocumentsConfig {
  if (mode === 'off') return { mode, ignoredManifest: manifest };
  // checkTrustedDocuments (environment.ts) has refused this already; here it narrows the type.
  if (manifest === undefined) throw new ConfigError(`Invalid configuration: TRUSTED_DOCUMENTS=${mode} needs TRUSTED_DOCUMENTS_MANIFEST`);
  return { mode, manifest };
}

/** `FOO=` in a .env file means "not set", not "set to the empty string". */
function withoutEmptyValues(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(source).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}

/** Hides the passwords of connection URLs, so they can be logged or shown in an error. */
function redactUrls(value: string): string {
  return value.replace(/(\/\/[^:/@,]*:)[^@,]*@/g, '$1***@');
}
