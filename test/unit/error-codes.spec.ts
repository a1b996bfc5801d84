import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../../src/error-codes';

/** The codes of README.md's table: the first cell of each row, every `CODE` in it. */
function documentedCodes(): string[] {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const rows = readme.split('\n').filter((line) => /^\| `[A-Z_]+`/.test(line));
  return rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([A-Z_]+)`/g)].map(([, code]) => code!));
}

describe('the error codes a client can see', () => {
  it('are the codes of the README’s table, no more and no fewer', () => {
    expect(documentedCodes().sort()).toEqual(Object.values(ErrorCode).sort());
  });
});
