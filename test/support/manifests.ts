import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generatePersistedQueryManifest, type PersistedQueryManifest } from '@apollo/generate-persisted-query-manifest';

export interface GeneratedManifest {
  /** Where it was written. */
  path: string;
  manifest: PersistedQueryManifest;
  /** The id of the operation of that name. */
  idOf(name: string): string;
}

/**
 * The manifest Apollo's generator makes of these documents (one operation each, by file name),
 * as a client build would: written as .graphql files into `folder`, the manifest beside them.
 */
export async function generateManifest(folder: string, documents: Record<string, string>): Promise<GeneratedManifest> {
  await Promise.all(Object.entries(documents).map(([name, text]) => writeFile(join(folder, `${name}.graphql`), text)));
  const manifest = await generatePersistedQueryManifest({ documents: [join(folder, '*.graphql')] }, undefined);
  const path = join(folder, 'persisted-query-manifest.json');
  await writeFile(path, JSON.stringify(manifest));
  return {
    path,
    manifest,
    idOf(name) {
      const operation = manifest.operations.find((candidate) => candidate.name === name);
      if (!operation) throw new Error(`no operation ${name} in the manifest`);
      return operation.id;
    },
  };
}
