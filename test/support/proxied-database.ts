import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import { migrateDatabase } from './test-app';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface ProxiedDatabase {
  db: TestDatabase;
  /** Between the server and the database: the test breaks the network here. */
  proxy: TcpProxy;
  /** Closes the proxy and drops the database; safe after a failed start. */
  close(): Promise<void>;
}

/** A fresh, migrated database behind a TCP proxy of the test's own, for servers started with `{ db, proxy }`. */
export async function proxiedDatabase(): Promise<ProxiedDatabase> {
  const db = await createTestDatabase();
  let proxy: TcpProxy | undefined;
  const close = async () => {
    await proxy?.close();
    await db.drop();
  };
  try {
    // Migrated once, directly; the servers reach it through the proxy.
    await migrateDatabase(db);
    const target = new URL(db.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    return { db, proxy, close };
  } catch (error) {
    await close();
    throw error;
  }
}
