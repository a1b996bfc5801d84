/** What a SQL statement does, in OpenTelemetry's database terms, read from its text alone. */
interface StatementSummary {
  /** db.operation.name: SELECT, INSERT, UPDATE, DELETE, BEGIN, COMMIT… */
  operation: string;
  /** db.collection.name: the table it reads or writes, when it names one. */
  collection?: string;
  /** db.query.summary, also the span's name: `SELECT interview_session`, `COMMIT`, `SELECT claim_idempotency_key()`. */
  summary: string;
}

const OPERATION = /^\s*([A-Za-z]+)/;
/** A name, quoted or not, schema-qualified or not (`"public"."t"`), and whether a call's parenthesis follows. */
const PART = String.raw`(?:"[^"]+"|\w+)`;
const NAME = String.raw`(${PART}(?:\.${PART})*)(\s*\()?`;
/** Where each operation names its table: `… from t`, `insert into t`, `update t`. */
const TARGETS: Readonly<Record<string, RegExp>> = {
  SELECT: new RegExp(String.raw`\bfrom\s+${NAME}`, 'i'),
  DELETE: new RegExp(String.raw`\bfrom\s+${NAME}`, 'i'),
  INSERT: new RegExp(String.raw`\binto\s+${NAME}`, 'i'),
  UPDATE: new RegExp(String.raw`^\s*update\s+${NAME}`, 'i'),
};

/**
 * Read afresh for every statement (two short regular expressions): MikroORM inlines the values of
 * some statements (a batch insert), so their texts are all different and a cache would only grow.
 */
export function summaryOf(sql: string): StatementSummary {
  const operation = (OPERATION.exec(sql)?.[1] ?? 'SQL').toUpperCase();
  const target = TARGETS[operation]?.exec(sql);
  if (!target?.[1]) return { operation, summary: operation };
  const name = target[1].replaceAll('"', '');
  // A function called in FROM is not a collection (after `insert into t` come its columns).
  if (target[2] && operation === 'SELECT') return { operation, summary: `${operation} ${name}()` };
  return { operation, collection: name, summary: `${operation} ${name}` };
}
