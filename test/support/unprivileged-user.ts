import { execFileSync } from 'node:child_process';

interface UserIds {
  uid: number;
  gid: number;
}

let postgresIds: UserIds | undefined;

/**
 * The OS user the test's children (PostgreSQL, PgBouncer) run as and own their folders as:
 * `postgres` when we are root (both refuse root), else ourselves (undefined).
 */
export function unprivilegedUser(): UserIds | undefined {
  if (process.getuid?.() !== 0) return undefined;
  if (!postgresIds) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    postgresIds = { uid: id('-u'), gid: id('-g') };
  }
  return postgresIds;
}
