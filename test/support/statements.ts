import type { App } from '../../src/app';

/** A statement the server sent, as knex announces it: `?` placeholders and their values. */
export interface Statement {
  sql: string;
  bindings: unknown[];
}

/**
 * What `work` returns, and the SQL statements the server sent while it ran: every one, plain
 * reads included (they announce themselves as knex's own queries do, see src/database/read-query.ts).
 */
export async function statementsDuring<T>(app: App, work: () => Promise<T>): Promise<{ result: T; statements: Statement[] }> {
  const knex = app.database.orm.em.getConnection().getKnex();
  const statements: Statement[] = [];
  const record = ({ sql, bindings }: Statement) => statements.push({ sql, bindings });
  knex.on('query', record);
  try {
    return { result: await work(), statements };
  } finally {
    knex.off('query', record);
  }
}
