/**
 * `npm run schema:check [-- --base <rev>] [-- --manifest <path>]…`: what a schema change breaks.
 *
 * - Lists the breaking changes of schema.graphql against its version at `--base` (default
 *   HEAD~1, the previous commit), as graphql-js's findBreakingChanges finds them. They are for a
 *   person to judge: a removed field nobody uses is fine.
 * - Checks every operation of each manifest (`--manifest`, repeatable; default
 *   TRUSTED_DOCUMENTS_MANIFEST) exactly as the server checks them at start, and fails (exit 1)
 *   when one would no longer run: that change would break a shipped client.
 *
 * schema.graphql must be what the code generates (`npm run schema`): else it fails too.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildSchema, findBreakingChanges, type BreakingChange } from 'graphql';
import { loadConfig } from './config/config';
import { resolvers } from './modules';
import { StartupError } from './startup-error';
import { readManifest } from './graphql/trusted-documents/manifest';
import { describeStale, staleOperations } from './graphql/trusted-documents/trusted-documents';
import { SCHEMA_FILE } from './emit-schema';
import { OperationCosts } from './graphql/operation-costs';
import { parseOptions } from './graphql/query-limits';
import { buildApiSchema, printApiSchema } from './graphql/schema';
import { allValidationRules } from './graphql/validation-rules';

/** The breaking changes from one SDL to the next, as lines: `FIELD_REMOVED  InterviewSession.title was removed.` */
export function breakingChanges(previousSdl: string, currentSdl: string): string[] {
  return findBreakingChanges(buildSchema(previousSdl), buildSchema(currentSdl)).map(
    ({ type, description }: BreakingChange) => `${type}  ${description}`,
  );
}

/** schema.graphql as it was at `base`; undefined when it did not exist there. */
function schemaAt(base: string): string | undefined {
  try {
    return execFileSync('git', ['show', `${base}:schema.graphql`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

async function main(): Promise<boolean> {
  const { values } = parseArgs({ options: { base: { type: 'string', default: 'HEAD~1' }, manifest: { type: 'string', multiple: true } } });
  const config = loadConfig();
  const manifests = values.manifest ?? (config.graphql.trustedDocuments.mode === 'off' ? [] : [config.graphql.trustedDocuments.manifest]);
  const schema = await buildApiSchema(resolvers);
  const current = readFileSync(SCHEMA_FILE, 'utf8');
  if (current !== printApiSchema(schema)) {
    console.log('schema.graphql is not what the code generates: run npm run schema, then check again');
    return false;
  }

  const previous = schemaAt(values.base);
  if (previous === undefined) console.log(`schema.graphql did not exist at ${values.base}: nothing to compare`);
  else {
    const changes = breakingChanges(previous, current);
    console.log(`schema.graphql against ${values.base}: ${changes.length} breaking change${changes.length === 1 ? '' : 's'}`);
    for (const change of changes) console.log(`  ${change}`);
  }

  let runs = true;
  const checks = {
    schema,
    rules: allValidationRules(config.graphql, new OperationCosts()),
    parseOptions: parseOptions(config.graphql.limits),
  };
  for (const path of manifests) {
    const operations = readManifest(path);
    const stale = staleOperations(operations, checks);
    if (stale.length === 0) console.log(`manifest ${path}: each of its ${operations.length} operations still runs`);
    else {
      runs = false;
      console.log(`manifest ${path}: ${stale.length} of its ${operations.length} operations would no longer run:`);
      for (const operation of stale) console.log(`  ${describeStale(operation)}`);
    }
  }
  return runs;
}

if (require.main === module) {
  main().then(
    (ok) => {
      process.exitCode = ok ? 0 : 1;
    },
    (error: unknown) => {
      console.error(error instanceof StartupError ? error.message : error);
      process.exitCode = 1;
    },
  );
}
