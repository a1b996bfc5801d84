import { readFileSync } from 'node:fs';
import { SCHEMA_FILE } from '../../src/graphql/emit-schema';
import { buildApiSchema, printApiSchema } from '../../src/graphql/schema';
import { resolvers } from '../../src/modules';

describe('schema.graphql', () => {
  it('is what the type-graphql classes generate (run `npm run schema` when this fails)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printApiSchema(await buildApiSchema(resolvers)));
  });
});
