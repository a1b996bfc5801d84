import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../observability/logger';

/**
 * tarn never closes connections below `min` but opens them only on demand. Opening `min` at
 * start keeps the promise "at least DB_POOL_MIN connections open" from the first request on.
 * A database that is down at start is not fatal: the pool fills once it is back.
 */
export async function warmUpPool(orm: MikroORM, size: number, logger: Logger): Promise<void> {
  const { client } = orm.em.getConnection().getKnex();
  const attempts = await Promise.allSettled(Array.from({ length: size }, () => client.acquireConnection()));
  await Promise.all(attempts.map((attempt) => attempt.status === 'fulfilled' && client.releaseConnection(attempt.value)));
  const failure = attempts.find((attempt) => attempt.status === 'rejected');
  if (failure) logger.warn({ err: failure.reason }, 'could not open the initial pool connections; the database is not reachable yet');
}
