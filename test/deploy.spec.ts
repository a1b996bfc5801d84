import { startHAProxy, type HAProxy } from './support/haproxy';
import { ifSetUp } from './support/if-set-up';
import { startLoad, type Load, type LoadRequest } from './support/load-generator';
import { restartablePort, startFailure, startOnFreePort } from './support/ports';
import { describeOutput, exitWithin, killAllServers, startServer, type ServerProcess } from './support/server-process';
import { migrateDatabase } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

/**
 * A deploy behind a real load balancer. Three server processes, started as `npm start` starts
 * them, share one database behind HAProxy, which checks GET /health/ready on each every 200 ms
 * (out after 2 failed checks, back in after 2 good ones). Clients keep reading and writing
 * through HAProxy while the test restarts each instance in turn (SIGTERM, wait for exit 0, a new
 * process on the same port, wait until HAProxy has it back), and, in the second test, kills one.
 *
 * The drain is sized to the checks, as in production: HAProxy sees readiness fail within
 * fall × inter = 400 ms plus the checks themselves; the instances drain for 1.5 s.
 *
 * HAProxy retries a request only when it could not connect (the request was never sent; each
 * retry on another server). During the deploy that must never happen: the test asserts that
 * HAProxy retried and redispatched nothing, so the retries hide no failure of the drain.
 */

const CHECK = { checkIntervalMs: 200, fall: 2, rise: 2 };
const DRAIN_DELAY_MS = 1_500;
const CLIENTS = 6;
const NAMES = ['s1', 's2', 's3'];
/** The load's own bound, whatever happens to the test. */
const MAX_LOAD_MS = 90_000;

jest.setTimeout(150_000);

interface Instance {
  name: string;
  port: number;
  /** The process serving now. */
  server: ServerProcess;
  /** Every process this instance ran, the current one last. */
  servers: ServerProcess[];
}

let db: TestDatabase;
let proxy: HAProxy | undefined;
let load: Load | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  await migrateDatabase(db);
});
afterEach(async () => {
  await load?.stop();
  load = undefined;
  await proxy?.stop();
  proxy = undefined;
  await killAllServers();
});
afterAll(async () => {
  await killAllServers();
  await ifSetUp(db)?.drop();
});

/** A server process on `port`, over the shared database, draining as production would for these checks. */
const startInstanceProcess = (port: number) =>
  startServer({
    DATABASE_URL: db.url,
    PORT: String(port),
    SHUTDOWN_DRAIN_DELAY_MS: String(DRAIN_DELAY_MS),
    EXPECTED_INSTANCES: String(NAMES.length),
    DB_POOL_MIN: '2',
    DB_POOL_MAX: '5',
  });

/** Three instances on free ports behind HAProxy, every one of them UP; ports each can be restarted on (restartablePort). */
async function startDeployment(): Promise<{ instances: Instance[]; proxy: HAProxy }> {
  const instances = await Promise.all(
    NAMES.map(async (name) => {
      const server = await startOnFreePort(async (port) => {
        try {
          return await startInstanceProcess(port);
        } catch (error) {
          throw startFailure(error, port, (error as Error).message);
        }
      }, restartablePort);
      return { name, port: Number(new URL(server.url).port), server, servers: [server] };
    }),
  );
  proxy = await startHAProxy({
    servers: instances.map(({ name, port }) => ({ name, port })),
    checkPath: '/health/ready',
    ...CHECK,
    connectRetries: 1,
  });
  for (const { name } of instances) await proxy.waitForStatus(name, 'UP');
  return { instances, proxy };
}

/** What an instance's process served: one log line per GraphQL request (its end), with its id and duration. */
function served(server: ServerProcess): { requestId: string; arrivedAt: number; answeredAt: number }[] {
  return server
    .logs()
    .filter((line) => line.msg === 'graphql request')
    .map((line) => {
      const answeredAt = Date.parse(line.time as string);
      return { requestId: line.requestId as string, answeredAt, arrivedAt: Math.round(answeredAt - (line.durationMs as number)) };
    });
}

/** When the process logged its first line starting with `prefix`. */
function loggedAt(server: ServerProcess, prefix: string): number {
  const line = server.logs().find((candidate) => candidate.msg.startsWith(prefix));
  if (!line) throw new Error(`the server never logged "${prefix}…"\n${describeOutput(server)}`);
  return Date.parse(line.time as string);
}

const waitForRequests = (count: number, what: string, after = Date.now()) =>
  waitFor(() => load!.results().filter((request) => request.startedAt >= after).length >= count, what, 20_000);

/** Waits until HAProxy sends the instance's current process its share of the load. */
const waitUntilServing = (instance: Instance) =>
  waitFor(() => served(instance.server).length >= 20, `${instance.name} to serve its share of the load`, 20_000);

/** Ends every instance the way a deploy would (SIGTERM, drain, exit 0), so that their logs are complete. */
async function stopInstances(instances: Instance[]): Promise<void> {
  for (const { server } of instances) server.signal('SIGTERM');
  for (const { server } of instances) expect(await exitWithin(server, DRAIN_DELAY_MS + 10_000)).toEqual({ code: 0, signal: null });
}

/** The table's sessions written by this load, by title. */
async function sessionsOf(tag: string): Promise<Map<string, { id: string; status: string }>> {
  const rows = await db.query<{ id: string; title: string; status: string }>(
    'select id, title, status from interview_session where title like $1',
    [`${tag} %`],
  );
  return new Map(rows.map(({ id, title, status }) => [title, { id, status }]));
}

/** Every acknowledged write is in the table, as acknowledged. */
function expectAcknowledgedWritesKept(requests: LoadRequest[], sessions: Map<string, { id: string; status: string }>): void {
  const creates = requests.filter((request) => request.kind === 'create' && request.ok);
  expect(creates.filter((create) => sessions.get(create.title!)?.id !== create.id)).toEqual([]);
  const byId = new Map([...sessions.values()].map((session) => [session.id, session]));
  const starts = requests.filter((request) => request.kind === 'start' && request.ok);
  expect(starts.filter((start) => byId.get(start.id!)?.status !== 'in_progress')).toEqual([]);
}

const count = (requests: LoadRequest[], kind: LoadRequest['kind']) => requests.filter((request) => request.kind === kind).length;

/** The numbers of a load: requests, rate, mix and latencies (ms, as the clients saw them). */
function describeLoad(requests: LoadRequest[], ms: number): string {
  const latencies = requests.map((request) => request.endedAt - request.startedAt).sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return (
    `${requests.length} requests in ${(ms / 1000).toFixed(1)} s (${((requests.length * 1000) / ms).toFixed(0)}/s; ` +
    `${count(requests, 'list')} lists, ${count(requests, 'get')} gets, ${count(requests, 'create')} creates, ${count(requests, 'start')} starts; ` +
    `latency p50 ${percentile(50)} ms, p99 ${percentile(99)} ms, max ${latencies.at(-1) ?? 0} ms)`
  );
}

describe('a rolling restart behind HAProxy, under continuous load', () => {
  it('restarts every instance in turn without a failed request, a lost or phantom write, or a request reaching a closed listener', async () => {
    const { instances, proxy } = await startDeployment();
    const loadStartedAt = Date.now();
    load = startLoad(proxy.url, { clients: CLIENTS, maxDurationMs: MAX_LOAD_MS });
    await waitForRequests(300, 'the load to get going', loadStartedAt);

    const restarts = [];
    for (const instance of instances) {
      const old = instance.server;
      const signalledAt = Date.now();
      old.signal('SIGTERM');
      await proxy.waitForStatus(instance.name, 'DOWN', 5_000);
      const exit = await exitWithin(old, DRAIN_DELAY_MS + 10_000);
      const exitedAt = Date.now();
      instance.server = await startInstanceProcess(instance.port);
      instance.servers.push(instance.server);
      await proxy.waitForStatus(instance.name, 'UP', 15_000);
      await waitUntilServing(instance);
      restarts.push({ instance, old, exit, signalledAt, exitedAt });
    }
    await waitForRequests(300, 'more load after the last restart');
    const requests = await load.stop();
    const loadMs = Date.now() - loadStartedAt;
    await stopInstances(instances);

    // No request failed: every one got 200 with its data and no error.
    expect(requests.filter((request) => !request.ok)).toEqual([]);

    // Every write the clients were told about is in the table; nothing else is.
    const sessions = await sessionsOf(load.tag);
    expectAcknowledgedWritesKept(requests, sessions);
    expect(sessions.size).toBe(requests.filter((request) => request.kind === 'create').length);

    // Each request reached exactly one process, once: nothing was lost on the way or replayed.
    const servedIds = instances.flatMap(({ servers }) => servers.flatMap((server) => served(server).map((line) => line.requestId)));
    expect(servedIds.length).toBe(requests.length);
    expect(new Set(servedIds)).toEqual(new Set(requests.map((request) => request.requestId)));

    // HAProxy never failed to connect, never retried, never redispatched, never answered 5xx.
    for (const server of await proxy.servers()) {
      expect(server).toMatchObject({ connectionErrors: 0, retries: 0, redispatches: 0, responses5xx: 0, serverAborts: 0 });
    }
    expect(proxy.anomalies()).toEqual([]);

    const lines = [];
    for (const { instance, old, exit, signalledAt, exitedAt } of restarts) {
      expect(exit).toEqual({ code: 0, signal: null });
      const drainingAt = loggedAt(old, 'draining: /health/ready answers 503');
      const closedAt = loggedAt(old, 'shutting down: refusing new requests');
      expect(old.logs().map((line) => line.msg)).not.toContainEqual(expect.stringMatching(/^shutdown deadline passed/));
      const changes = proxy.stateChanges().filter((change) => change.server === instance.name && change.at >= signalledAt);
      const downAt = changes.find((change) => change.status === 'DOWN')!.at;
      const upAt = changes.find((change) => change.status === 'UP')!.at;
      const servedByOld = served(old);
      const lastArrival = Math.max(...servedByOld.map((request) => request.arrivedAt));
      const duringDrain = servedByOld.filter((request) => request.arrivedAt >= drainingAt).length;

      // HAProxy took the instance out while it still listened, and it kept serving until then.
      expect(downAt).toBeLessThan(closedAt);
      expect(duringDrain).toBeGreaterThan(0);
      // No request reached the process after its listener closed (nor on a kept-alive connection).
      expect(servedByOld.filter((request) => request.arrivedAt >= closedAt)).toEqual([]);
      lines.push(
        `${instance.name}: HAProxy had it DOWN ${downAt - drainingAt} ms into the drain; it served ${duringDrain} requests during the drain, ` +
          `the last arriving ${lastArrival - drainingAt} ms in, ${closedAt - lastArrival} ms before its listener closed ` +
          `(${closedAt - drainingAt} ms in); exit 0 ${exitedAt - signalledAt} ms after SIGTERM; the new process UP ${upAt - signalledAt} ms after SIGTERM`,
      );
    }
    console.info(`rolling restart of 3 instances: ${describeLoad(requests, loadMs)}, 0 failed\n${lines.join('\n')}`);
  });
});

describe('one instance killed (SIGKILL) behind HAProxy, under continuous load', () => {
  it('fails only the requests it had in flight; every request sent after its death succeeds; nothing acknowledged is lost', async () => {
    const { instances, proxy } = await startDeployment();
    const loadStartedAt = Date.now();
    load = startLoad(proxy.url, { clients: CLIENTS, maxDurationMs: MAX_LOAD_MS });
    await waitForRequests(300, 'the load to get going', loadStartedAt);

    // Killed while HAProxy has requests on it.
    const victim = instances[1]!;
    const killedServer = victim.server;
    await waitFor(async () => (await proxy.server(victim.name)).current >= 2, `requests in flight on ${victim.name}`);
    const killedAt = Date.now();
    expect(await killedServer.kill()).toEqual({ code: null, signal: 'SIGKILL' });
    const goneAt = Date.now();
    await proxy.waitForStatus(victim.name, 'DOWN', 5_000);
    await waitForRequests(500, 'the load to go on without the killed instance');

    // The orchestrator starts it again; it takes its share of the load again.
    victim.server = await startInstanceProcess(victim.port);
    victim.servers.push(victim.server);
    await proxy.waitForStatus(victim.name, 'UP', 15_000);
    await waitUntilServing(victim);
    await waitForRequests(300, 'more load after the restart');
    const requests = await load.stop();
    const loadMs = Date.now() - loadStartedAt;
    await stopInstances(instances);

    const failed = requests.filter((request) => !request.ok);
    // What failed was in flight when the process died: sent before it was gone, not answered
    // before the kill. It was not sent again to another instance either.
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.filter((request) => request.startedAt > goneAt || request.endedAt < killedAt)).toEqual([]);
    const survivors = instances.flatMap(({ servers }) => servers).filter((server) => server !== killedServer);
    const servedBySurvivors = new Set(survivors.flatMap((server) => served(server).map((line) => line.requestId)));
    expect(failed.filter((request) => servedBySurvivors.has(request.requestId))).toEqual([]);
    // Every request sent after the process was gone succeeded: those HAProxy still sent its way
    // before its checks failed could not connect, and went to another instance.
    const later = requests.filter((request) => request.startedAt > goneAt);
    expect(later.filter((request) => !request.ok)).toEqual([]);
    const killed = await proxy.server(victim.name);
    // Nothing acknowledged is lost. A write that failed in flight may have committed before the
    // kill: its client cannot know, which is why it is counted, not asserted.
    const sessions = await sessionsOf(load.tag);
    expectAcknowledgedWritesKept(requests, sessions);
    const failedCreatesCommitted = failed.filter((request) => request.kind === 'create' && sessions.has(request.title!)).length;
    const downAt = proxy
      .stateChanges()
      .find((change) => change.server === victim.name && change.status === 'DOWN' && change.at >= killedAt)!.at;

    const sentBeforeKill = failed.filter((request) => request.startedAt < killedAt).length;
    console.info(
      `SIGKILL of 1 of 3 instances: ${describeLoad(requests, loadMs)}; ${failed.length} failed, all in flight on the killed instance: ` +
        `${sentBeforeKill} sent before the SIGKILL, ${failed.length - sentBeforeKill} in the ${goneAt - killedAt} ms until its exit was seen ` +
        `(${failed.map((request) => `${request.kind} ${request.failure}`).join(', ')}; HAProxy counted ${killed.serverAborts} transfers aborted by it), ` +
        `${failedCreatesCommitted} of them a create that had committed; HAProxy had it DOWN ${downAt - killedAt} ms after the kill and ` +
        `meanwhile sent ${killed.redispatches} requests on to another instance when its port refused them; ${later.length} requests sent after its death, 0 failed`,
    );
  });
});
