/**
 * The configuration the MikroORM CLI loads (`npx mikro-orm migration:up` …): the server's own,
 * built from the same environment, without its per-statement timeouts (see createMigrationOptions).
 * Without DATABASE_URL it points at the embedded PostgreSQL, which must be running (`npm start`).
 */
import 'reflect-metadata';
import { loadConfig } from './src/config/config';
import { embeddedDatabaseUrl } from './src/database/embedded/embedded-postgres';
import { createMigrationOptions } from './src/database/orm-options';
import { entities } from './src/modules';

const { database } = loadConfig();

export default createMigrationOptions({ ...database, url: database.url ?? embeddedDatabaseUrl(database.embedded) }, entities);
