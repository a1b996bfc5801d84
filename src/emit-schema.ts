/** `npm run schema`: regenerates schema.graphql from the type-graphql classes. */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolvers } from './modules';
import { buildApiSchema, printApiSchema } from './graphql/schema';

export const SCHEMA_FILE = join(__dirname, '../schema.graphql');

if (require.main === module) {
  void buildApiSchema(resolvers).then((schema) => {
    writeFileSync(SCHEMA_FILE, printApiSchema(schema));
    console.log(`wrote ${SCHEMA_FILE}`);
  });
}
