import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SCHEMA_FILE } from '../src/emit-schema';
import { breakingChanges } from '../src/schema-check';
import { sha256 } from './support/apollo-client';
import { ifSetUp } from './support/if-set-up';
import { runNpmScript } from './support/server-process';
import { makeTempFolder, removeTempFolder } from './support/temp-folders';

/**
 * `npm run schema:check`: the breaking changes of schema.graphql since the previous commit, and
 * a failure when a manifest of shipped operations holds one the schema would no longer run.
 */

const SDL = readFileSync(SCHEMA_FILE, 'utf8');

const manifestOf = (...bodies: string[]) =>
  JSON.stringify({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: bodies.map((body) => ({ id: sha256(body), name: /query (\w+)/.exec(body)![1], type: 'query', body })),
  });

let folder: string;
beforeAll(async () => {
  folder = await makeTempFolder('schema-check-');
});
afterAll(() => removeTempFolder(ifSetUp(folder)));

describe('the breaking changes of a schema', () => {
  it('are listed with their kind, and additions are not', () => {
    const withoutTitle = SDL.replace('  title: String!\n  updatedAt', '  updatedAt');
    expect(withoutTitle).not.toBe(SDL);
    expect(breakingChanges(SDL, withoutTitle)).toEqual(['FIELD_REMOVED  InterviewSession.title was removed.']);
    expect(breakingChanges(withoutTitle, SDL)).toEqual([]);
  });
});

describe('npm run schema:check', () => {
  const check = (manifest: string) => runNpmScript('schema:check', { TRUSTED_DOCUMENTS: 'enforce', TRUSTED_DOCUMENTS_MANIFEST: manifest });

  it('passes with a manifest whose every operation still runs, after listing the breaking changes', async () => {
    const path = join(folder, 'current.json');
    await writeFile(path, manifestOf('query Session($id: ID!) { interviewSession(id: $id) { id title } }'));
    const { code, stdout } = await check(path);
    expect(stdout).toMatch(/^schema\.graphql against HEAD~1: \d+ breaking changes?\n/);
    expect(stdout).toContain(`manifest ${path}: each of its 1 operations still runs\n`);
    expect(code).toBe(0);
  });

  it('fails, naming it, when an operation of the manifest would no longer run', async () => {
    const path = join(folder, 'stale.json');
    const stale = 'query Interviewer { interviewSessions(first: 1) { nodes { interviewer } } }';
    await writeFile(path, manifestOf('query Typename { __typename }', stale));
    const { code, stdout } = await check(path);
    expect(stdout).toContain(
      `manifest ${path}: 1 of its 2 operations would no longer run:\n` +
        `  operation Interviewer (${sha256(stale).slice(0, 12)}…) would no longer run: Cannot query field "interviewer" on type "InterviewSession".\n`,
    );
    expect(code).toBe(1);
  });
});
