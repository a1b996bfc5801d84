import type { EntityClass } from '@mikro-orm/postgresql';

/**
 * What a feature folder adds to the API. app.ts hands the entities to MikroORM (and the CLI's
 * migrations) and the resolvers to the schema builder; nothing else needs to know the feature.
 */
export interface FeatureModule {
  /** The tables: MikroORM entities (which may double as GraphQL object types). */
  entities: readonly EntityClass<object>[];
  /** type-graphql resolver classes: queries, mutations and field resolvers; none for a table that serves the server itself. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- type-graphql's own type for resolver classes
  resolvers?: readonly Function[];
}
