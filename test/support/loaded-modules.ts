import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempFolder, removeTempFolder } from './temp-folders';

/** Written into a temp folder and preloaded: plain JavaScript, as it runs before ts-node is registered. */
const PRELOAD = `process.once('exit', () => {
  require('node:fs').writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify(Object.keys(require.cache)));
});
`;

/**
 * Which files a server process required, for a spec that promises some are never loaded: `env`
 * preloads a script (NODE_OPTIONS) that writes require.cache's keys when the process exits.
 */
export interface LoadedModules {
  env: Record<string, string>;
  /** The files, once the process has exited. */
  read(): Promise<string[]>;
  remove(): Promise<void>;
}

export async function recordLoadedModules(): Promise<LoadedModules> {
  const folder = await makeTempFolder('loaded-modules-');
  const preload = join(folder, 'preload.js');
  const list = join(folder, 'modules.json');
  await writeFile(preload, PRELOAD);
  return {
    env: { NODE_OPTIONS: `--require ${preload}`, LOADED_MODULES_FILE: list },
    read: async () => JSON.parse(await readFile(list, 'utf8')) as string[],
    remove: () => removeTempFolder(folder),
  };
}
