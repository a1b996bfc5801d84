import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { sha256 } from '../../sha256';
import { StartupError } from '../../startup-error';

/** One operation of a manifest: `id` is the SHA-256 (hex) of `body`, the document a client sends. */
export interface ManifestOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

/** The format of Apollo's `@apollo/generate-persisted-query-manifest`, version 1. */
const manifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(
    z.object({ id: z.string(), name: z.string(), type: z.enum(['query', 'mutation', 'subscription']), body: z.string() }),
  ),
});

const FORMAT = '{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id","name","type","body"}]}';

/** A manifest that cannot be used: its message is one line naming the file and what is wrong. */
export class ManifestError extends StartupError {
  override name = 'ManifestError';
}

/** The operations of the manifest at `path`, each id checked against its body. Throws ManifestError. */
export function readManifest(path: string): ManifestOperation[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ManifestError(`manifest ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ManifestError(`manifest ${path} is not JSON: expected ${FORMAT}`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw new ManifestError(`manifest ${path} is not in the format ${FORMAT}: ${issue?.path.join('.')} ${issue?.message}`);
  }
  const misnamed = parsed.data.operations.find((operation) => sha256(operation.body) !== operation.id);
  if (misnamed) {
    throw new ManifestError(
      `manifest ${path}: the id of operation ${misnamed.name} is not the SHA-256 of its body (generate ids as Apollo's generator does)`,
    );
  }
  return parsed.data.operations;
}
