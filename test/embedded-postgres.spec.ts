import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { embeddedDatabaseUrl } from '../src/database/embedded/embedded-postgres';
import { expectCleanExitOnSigterm } from './support/expectations';
import { graphql } from './support/graphql-client';
import { freePort } from './support/ports';
import { postgresProcessesOn, postmasterPidOf, stopPostgresOn } from './support/postmasters';
import { parentOf } from './support/process-table';
import { killAllServers, spawnServer, startServer, type ServerProcess } from './support/server-process';
import { makeTempFolder, removeTempFolder } from './support/temp-folders';
import { waitFor } from './support/wait-for';

/**
 * The zero-configuration mode: no DATABASE_URL, so the server process starts a real PostgreSQL
 * of its own (binaries from npm) in DATA_DIR on EMBEDDED_PG_PORT, and owns its life.
 *
 * The tests share one data directory (initdb costs seconds), but none relies on another having
 * run: the first start on it initialises it, whichever test that is.
 */

const CREATE = 'mutation { createInterviewSession(input: { title: "Embedded", candidateName: "Ada" }) { id } }';
const LIST = '{ interviewSessions(first: 100) { nodes { id } } }';

let root: string;
let dataDir: string;
let pgPort: number;

beforeAll(async () => {
  // As root, PostgreSQL runs as the OS user `postgres`: the folder must be traversable by it.
  root = await makeTempFolder('embedded-pg-spec-');
  dataDir = join(root, 'data');
  pgPort = await freePort();
});
afterEach(async () => {
  await killAllServers();
  await stopPostgresOn(dataDir); // orphans of a killed server, whatever the test did
});
afterAll(async () => {
  await killAllServers();
  if (dataDir) await stopPostgresOn(dataDir);
  await removeTempFolder(root);
});

const startEmbeddedServer = () => startServer({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) }, 30_000);

/** A query on the embedded database, through a connection of the test's own. */
async function queryEmbedded<Row>(sql: string): Promise<Row[]> {
  const client = new Client({ connectionString: embeddedDatabaseUrl({ port: pgPort }) });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Row[];
  } finally {
    await client.end();
  }
}

const stopWithSigterm = (server: ServerProcess) => expectCleanExitOnSigterm(server, 10_000);

describe('when the server starts with no DATABASE_URL', () => {
  it('starts its own PostgreSQL, applies the migrations, serves GraphQL, and stops that PostgreSQL on SIGTERM', async () => {
    const startedAt = performance.now();
    const server = await startEmbeddedServer();
    const startMs = performance.now() - startedAt;

    const created = await graphql(server.url, CREATE);
    expect(created.status).toBe(200);
    expect(created.body.errors).toBeUndefined();
    const id = created.body.data.createInterviewSession.id as string;
    const listed = await graphql(server.url, LIST);
    expect(listed.status).toBe(200);
    expect(listed.body.data.interviewSessions.nodes).toContainEqual({ id });

    const migrations = await queryEmbedded<{ name: string }>('select name from mikro_orm_migrations');
    expect(migrations.map((row) => row.name)).toContain('Migration20261126201823');
    const [postmaster] = await postgresProcessesOn(dataDir);
    expect(await parentOf(postmaster!)).toBe(server.pid); // the server's own child

    const stopMs = await stopWithSigterm(server);
    expect(await postgresProcessesOn(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false); // a clean stop, not a kill
    expect(server.logs().map((line) => line.msg)).toEqual(expect.arrayContaining(['embedded PostgreSQL stopped', 'stopped']));
    console.info(`embedded mode: listening ${startMs.toFixed(0)} ms after spawn, exit ${stopMs.toFixed(0)} ms after SIGTERM`);
  });
});

describe('when a server was killed with SIGKILL', () => {
  it('leaves its PostgreSQL orphaned, and the next start on the same DATA_DIR stops the orphan and serves the same data', async () => {
    const first = await startEmbeddedServer();
    const created = await graphql(first.url, CREATE);
    const id = created.body.data.createInterviewSession.id as string;
    const orphan = await postmasterPidOf(dataDir);
    expect(orphan).toBeDefined();

    expect(await first.kill()).toEqual({ code: null, signal: 'SIGKILL' });

    // The PostgreSQL it started outlives it: re-parented, still running, still answering.
    await waitFor(async () => (await parentOf(orphan!)) !== first.pid, 'the orphan to be re-parented', 2_000);
    expect(await parentOf(orphan!)).toBeDefined(); // still running, now a child of init
    expect(await postgresProcessesOn(dataDir)).toEqual([orphan]);
    expect(await queryEmbedded('select 1 as one')).toEqual([{ one: 1 }]);

    const startedAt = performance.now();
    const second = await startEmbeddedServer();
    const restartMs = performance.now() - startedAt;
    expect(second.logs()).toContainEqual(
      expect.objectContaining({ msg: 'stopping the embedded PostgreSQL orphaned by a killed run', pid: orphan }),
    );
    expect(await parentOf(orphan!)).toBeUndefined();
    const [postmaster] = await postgresProcessesOn(dataDir);
    expect(postmaster).not.toBe(orphan);
    expect(await parentOf(postmaster!)).toBe(second.pid);

    const listed = await graphql(second.url, LIST);
    expect(listed.status).toBe(200);
    expect(listed.body.data.interviewSessions.nodes).toContainEqual({ id });

    await stopWithSigterm(second);
    expect(await postgresProcessesOn(dataDir)).toEqual([]);
    console.info(`start over an orphaned PostgreSQL: listening ${restartMs.toFixed(0)} ms after spawn`);
  });
});

describe('when SIGTERM arrives while the server is still starting', () => {
  it('finishes starting, then stops in order, without a drain: exit 0 and no PostgreSQL left behind', async () => {
    // A drain longer than the test's wait: an instance that never served needs none, and gets none.
    const server = spawnServer({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), SHUTDOWN_DRAIN_DELAY_MS: '60000' });
    await server.waitForLog(
      (line) => line.msg.includes('embedded PostgreSQL') || line.msg.includes('initialising'),
      'the embedded PostgreSQL starting',
      30_000,
    );
    await expectCleanExitOnSigterm(server, 30_000);
    expect(server.logs().map((line) => line.msg)).toEqual(
      expect.arrayContaining(['stop requested during start-up: stopping once started', 'embedded PostgreSQL stopped', 'stopped']),
    );
    expect(server.logs().map((line) => line.msg)).not.toContainEqual(expect.stringMatching(/^draining/));
    expect(await postgresProcessesOn(dataDir)).toEqual([]);
  });
});
