import type { Logger } from '../../observability/logger';
import { onlyRow } from '../only-row';
import type { Replica, ReplicaAwarePostgreSqlDriver, ReplicaState, ReplicaStatus } from './replica-aware-driver';

export interface ReplicaMonitor {
  /** The first round of checks, so that reads use the replicas from the first request. */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

export interface ReplicaMonitorOptions {
  maxLagSeconds: number;
  checkIntervalMs: number;
}

/**
 * How far behind a standby is: 0 when it has replayed everything it received, else the age of
 * the last transaction it replayed. On a server that is not in recovery, 0.
 */
const LAG_SQL = `select (case
  when not pg_is_in_recovery() then 0
  when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
  else coalesce(extract(epoch from now() - pg_last_xact_replay_timestamp()), 0)
end)::float8 as "lagSeconds"`;

/**
 * Checks every replica on an interval: reachable, and how far behind. The driver reads the
 * states to route reads. Changes are logged once, when they happen.
 */
export function startReplicaMonitor(driver: ReplicaAwarePostgreSqlDriver, options: ReplicaMonitorOptions, logger: Logger): ReplicaMonitor {
  if (driver.replicaSet.length === 0) return { ready: () => Promise.resolve(), stop: () => Promise.resolve() };
  const checkOne = async ({ connection, state }: Replica) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer in time')), options.checkIntervalMs);
    });
    try {
      const { lagSeconds } = onlyRow(await Promise.race([connection.execute<{ lagSeconds: number }[]>(LAG_SQL), timeout]));
      update(state, lagSeconds > options.maxLagSeconds ? 'lagging' : 'ok', lagSeconds, logger);
    } catch (error) {
      update(state, 'down', null, logger, error);
    } finally {
      clearTimeout(timer);
    }
  };
  const checkAll = async (): Promise<void> => {
    await Promise.all(driver.replicaSet.map(checkOne));
  };

  // Rounds never overlap: the next is scheduled when the last one is done.
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round = checkAll();
  const scheduleNext = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      round = checkAll().then(scheduleNext);
    }, options.checkIntervalMs);
    timer.unref();
  };
  const firstRound = round.then(scheduleNext);

  return {
    ready: () => firstRound,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await round;
    },
  };
}

function update(state: ReplicaState, status: ReplicaStatus, lagSeconds: number | null, logger: Logger, error?: unknown): void {
  const previous = state.status;
  state.status = status;
  state.lagSeconds = lagSeconds;
  if (previous === status) return;
  const detail = { replica: state.name, status, previous, lagSeconds, ...(error !== undefined && { err: error }) };
  if (status === 'ok') logger.info(detail, 'replica serves reads');
  else logger.warn(detail, 'replica skipped: reads go to the primary');
}
