import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { initDataDir } from './support/embedded-postgres-process';
import { expectOneLineStartupFailure } from './support/expectations';
import { freePort } from './support/ports';
import { postgresProcessesOn, stopPostgresOn } from './support/postmasters';
import { killAllServers, spawnServer, startServer } from './support/server-process';
import { makeTempFolder, removeTempFolder } from './support/temp-folders';

/**
 * Every start-up failure a user can cause ends the same way: exit code 1, one line on stderr that
 * names the cause and the fix, no stack trace, and nothing left running (not even the embedded
 * PostgreSQL the server had already started).
 */

let root: string;
beforeAll(async () => {
  // As root, PostgreSQL runs as the OS user `postgres`: the folder must be one it can pass through.
  root = await makeTempFolder('start-up-failures-');
});
afterEach(killAllServers);
afterAll(async () => {
  await killAllServers();
  await removeTempFolder(root);
});

/** A fresh data directory path under the spec's folder, and a free port for its PostgreSQL. */
async function embeddedSetting(name: string) {
  const dataDir = join(root, name);
  return { dataDir, env: { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) } };
}

/** Listens on a port on 127.0.0.1 until closed, standing in for another program. */
async function occupy(port = 0): Promise<net.Server & { port: number }> {
  const squatter = net.createServer((socket) => socket.destroy());
  await new Promise<void>((listening) => squatter.listen(port, '127.0.0.1', listening));
  return Object.assign(squatter, { port: (squatter.address() as net.AddressInfo).port });
}
const release = (squatter: net.Server) => new Promise((closed) => squatter.close(closed));

describe('when production has no authentication choice', () => {
  it('exits 1 with one line naming AUTH_MODE and what to set, before starting anything', async () => {
    const line = await expectOneLineStartupFailure(spawnServer({ NODE_ENV: 'production' }));
    expect(line).toBe(
      'Invalid configuration: AUTH_MODE must be set with NODE_ENV=production: AUTH_MODE=jwt with AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE ' +
        'and AUTH_JWT_SECRET or AUTH_JWKS_URL, or AUTH_MODE=none when a gateway in front authenticates every request',
    );
  });

  it('exits 1 with one line for a shared secret too short, without repeating it', async () => {
    const env = { NODE_ENV: 'production', AUTH_JWT_SECRET: 'hunter2', AUTH_JWT_ISSUER: 'https://issuer.test/', AUTH_JWT_AUDIENCE: 'api' };
    const line = await expectOneLineStartupFailure(spawnServer(env));
    expect(line).toMatch(/^Invalid configuration: AUTH_JWT_SECRET must be at least 32 bytes/);
    expect(line).not.toContain('hunter2');
  });
});

describe('when a port is taken by another program', () => {
  it('PORT: exits with one line naming PORT, and stops the embedded PostgreSQL it had started', async () => {
    const { dataDir, env } = await embeddedSetting('port-taken');
    const squatter = await occupy();
    try {
      const server = spawnServer({ ...env, PORT: String(squatter.port) });
      const line = await expectOneLineStartupFailure(server);
      expect(line).toBe(`PORT ${squatter.port} is already in use on 127.0.0.1: stop the program using it, or set PORT to a free port.`);
      expect(await postgresProcessesOn(dataDir)).toEqual([]);
      // The log is written asynchronously; an exit straight after still leaves every line written.
      expect(server.logs().map((entry) => entry.msg)).toEqual(
        expect.arrayContaining(['embedded PostgreSQL started', 'embedded PostgreSQL stopped']),
      );
    } finally {
      await release(squatter);
    }
  });

  it('EMBEDDED_PG_PORT: exits with one line naming EMBEDDED_PG_PORT', async () => {
    const { dataDir, env } = await embeddedSetting('pg-port-taken');
    const squatter = await occupy(Number(env.EMBEDDED_PG_PORT));
    try {
      const line = await expectOneLineStartupFailure(spawnServer(env));
      expect(line).toMatch(
        new RegExp(`^EMBEDDED_PG_PORT ${squatter.port} is already in use by another program\\. Set EMBEDDED_PG_PORT to a free port`),
      );
      expect(await postgresProcessesOn(dataDir)).toEqual([]);
    } finally {
      await release(squatter);
    }
  });
});

describe('when the data directory cannot be used', () => {
  it('is in use by another running server: one line saying so, and the running one is untouched', async () => {
    const { dataDir, env } = await embeddedSetting('in-use');
    const first = await startServer(env, 30_000);
    try {
      const [postmaster] = await postgresProcessesOn(dataDir);
      const line = await expectOneLineStartupFailure(spawnServer({ ...env, EMBEDDED_PG_PORT: String(await freePort()) }));
      expect(line).toMatch(
        new RegExp(`^DATA_DIR ${dataDir} is in use by a running PostgreSQL \\(pid ${postmaster}, started by pid ${first.pid}\\)`),
      );
      expect(await postgresProcessesOn(dataDir)).toEqual([postmaster]);
    } finally {
      await first.kill();
      await stopPostgresOn(dataDir);
    }
  });

  it('is a file: one line saying DATA_DIR must be a folder', async () => {
    const { dataDir, env } = await embeddedSetting('a-file');
    await writeFile(dataDir, 'not a folder');
    expect(await expectOneLineStartupFailure(spawnServer(env))).toBe(
      `DATA_DIR ${dataDir} is a file, not a folder: set DATA_DIR to a folder.`,
    );
  });

  it('holds other files and no PostgreSQL data: one line, and the files are left alone', async () => {
    const { dataDir, env } = await embeddedSetting('not-empty');
    await mkdir(dataDir);
    await writeFile(join(dataDir, 'notes.txt'), 'mine');
    const line = await expectOneLineStartupFailure(spawnServer(env));
    expect(line).toBe(`DATA_DIR ${dataDir} is not empty and holds no PostgreSQL data: set DATA_DIR to a new or empty folder.`);
    expect(existsSync(join(dataDir, 'notes.txt'))).toBe(true);
  });

  it("belongs to another user, so PostgreSQL cannot read it: one line with PostgreSQL's reason and the fix", async () => {
    const { dataDir, env } = await embeddedSetting('wrong-owner');
    await initDataDir(dataDir);
    execFileSync('chown', ['-R', 'root:root', dataDir]); // the postgres OS user may no longer read it
    const line = await expectOneLineStartupFailure(spawnServer(env));
    expect(line).toMatch(
      new RegExp(
        `^The embedded PostgreSQL in ${dataDir} did not start: .*(wrong ownership|Permission denied).*\\. Give DATA_DIR back to the user PostgreSQL runs as`,
      ),
    );
    expect(await postgresProcessesOn(dataDir)).toEqual([]);
  });
});

describe('when the disk fills up while the data directory is initialised', () => {
  let mountPoint: string | undefined;
  afterEach(() => {
    if (mountPoint) execFileSync('umount', [mountPoint]);
    mountPoint = undefined;
  });

  it('exits with one line saying the disk is full and how much is needed', async () => {
    // A 4 MB file system: initdb needs about ten times that.
    mountPoint = join(root, 'small-disk');
    await mkdir(mountPoint);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0755', 'tmpfs', mountPoint]);
    const dataDir = join(mountPoint, 'data');
    const line = await expectOneLineStartupFailure(spawnServer({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) }));
    expect(line).toMatch(
      new RegExp(
        `^Initialising the embedded PostgreSQL in ${dataDir} failed: .*No space left on device.*\\. The disk is full \\(a new data directory needs about 50 MB\\)`,
      ),
    );
  });
});

describe('when a configuration value is invalid', () => {
  let listener: net.Server | undefined;
  let connections = 0;
  afterEach(async () => {
    if (listener) await release(listener);
    listener = undefined;
  });

  /** A TCP port that counts who connects to it, standing in for a database. */
  async function countingPort(): Promise<number> {
    connections = 0;
    listener = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((listening) => listener!.listen(0, '127.0.0.1', listening));
    return (listener.address() as net.AddressInfo).port;
  }

  it.each([
    {
      variable: 'DB_POOL_MIN',
      env: (port: number, neverCreated: string) => ({
        DB_POOL_MIN: '30',
        DB_POOL_MAX: '5',
        DATA_DIR: neverCreated,
        EMBEDDED_PG_PORT: String(port),
      }),
      given: '"30"',
    },
    {
      variable: 'PORT',
      env: (port: number) => ({ PORT: 'abc', DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/postgres` }),
      given: '"abc"',
    },
  ])('exits with one line naming $variable, before anything connects', async ({ variable, env, given }) => {
    const port = await countingPort();
    const neverCreated = join(root, 'never-created');
    const server = spawnServer(env(port, neverCreated));
    // e.g. 'Invalid configuration: PORT must be a whole number (got "abc")'
    const line = await expectOneLineStartupFailure(server, 15_000);
    expect(line).toMatch(new RegExp(`^Invalid configuration: .*\\b${variable}\\b`));
    expect(line).toContain(given);
    expect(server.stdout()).toBe(''); // not one log line: nothing was started
    expect(connections).toBe(0);
    expect(existsSync(neverCreated)).toBe(false);
  });
});
