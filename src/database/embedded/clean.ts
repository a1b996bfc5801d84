/**
 * `npm run embedded:clean`: deletes what the embedded PostgreSQL keeps on disk for this clone and
 * configuration (its data directory, and the copy of its binaries made for the OS user postgres),
 * after checking that no PostgreSQL runs on it. The next `npm start` begins from scratch.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { loadConfig } from '../../config/config';
import { StartupError } from '../../startup-error';
import { binariesCopyDir } from './binaries';
import { embeddedDataDir } from './data-directory';
import { runningPostgresOn } from './leftover-server';
import { postgresOsUser } from './os-user';

async function clean(): Promise<void> {
  const { embedded } = loadConfig().database;
  const user = postgresOsUser();
  const dataDir = embeddedDataDir(embedded, user);
  const running = await runningPostgresOn(dataDir);
  if (running !== undefined) {
    throw new StartupError(`A PostgreSQL (pid ${running}) is running on ${dataDir}: stop the server first (Ctrl-C or SIGTERM).`);
  }
  const targets = [dataDir, ...(user ? [binariesCopyDir(embedded.systemDir)] : [])].filter((path) => existsSync(path));
  for (const target of targets) {
    await rm(target, { recursive: true, force: true });
    console.log(`removed ${target}`);
  }
  if (targets.length === 0) console.log(`nothing to remove (no ${dataDir})`);
}

clean().catch((error: unknown) => {
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
