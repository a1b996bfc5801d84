import type { Case } from './case';
import { excerpt } from './descriptions';
import type { Problem } from './judge';
import type { Model } from './model';
import { describeRequest } from './request';
import type { Reply } from './send';

/** A problem with the answer to a case. */
export interface Finding {
  fuzzCase: Case;
  reply: Reply;
  problem: Problem;
}

/** A finding as the report shows it, with what it takes to replay it. */
export interface Failure {
  seed: number;
  index: number;
  category: string;
  detail: string;
  label: string;
  request: string;
  response: string;
}

/** What a run did. */
export interface FuzzRun {
  seed: number;
  casesRun: number;
  seconds: number;
  slowest: { ms: number; label: string };
  /** Cases per family, in the order the families first came up. */
  tally: Map<string, number>;
  failures: Failure[];
}

export function failureOf(seed: number, index: number, { fuzzCase, reply, problem }: Finding): Failure {
  return {
    seed,
    index,
    category: problem.category,
    detail: problem.detail,
    label: fuzzCase.label,
    request: describeRequest(fuzzCase.request),
    response: reply.transport ?? `HTTP ${reply.status} ${excerpt(reply.text ?? '', 500)}`,
  };
}

/** The run in a few lines: its size, the model it left, the slowest answer, the cases per family. */
export function summarizeRun(run: FuzzRun, model: Model): string {
  return (
    `fuzz: ${run.casesRun} cases in ${run.seconds.toFixed(1)} s, seed ${run.seed}, ${model.rows.size} sessions in the model, ${model.deletedIds.length} deleted, ` +
    `slowest ${Math.round(run.slowest.ms)} ms (${run.slowest.label}), ${run.failures.length} failure(s)\n` +
    [...run.tally.entries()].map(([family, count]) => `  ${family}: ${count}`).join('\n')
  );
}

/**
 * The failures grouped by category and detail (ids and numbers blurred, so one bug is one
 * group), largest group first, `examples` cases shown per group, and how to replay the run.
 */
export function report(
  title: string,
  failures: Failure[],
  { seed, cases, examples }: { seed: number; cases: number; examples: number },
): string {
  const groups = new Map<string, Failure[]>();
  for (const failure of failures) {
    const detail = failure.detail.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '<uuid>').replace(/(?<!HTTP )\b\d+\b/g, 'N');
    const key = `${failure.category} — ${detail.slice(0, 120)}`;
    groups.set(key, [...(groups.get(key) ?? []), failure]);
  }
  const lines = [
    `${title}: ${failures.length} failure(s) in ${groups.size} group(s); seed ${seed} (FUZZ_SEED=${seed} FUZZ_CASES=${cases} to replay)`,
  ];
  for (const [key, members] of [...groups.entries()].sort((a, b) => b[1].length - a[1].length)) {
    lines.push('', `■ ${key}  ×${members.length}`);
    for (const failure of members.slice(0, examples)) {
      lines.push(`  case #${failure.index} (seed ${failure.seed}): ${failure.label}`);
      if (failure.detail) lines.push(`    detail:   ${excerpt(failure.detail, 300)}`);
      lines.push(`    request:  ${failure.request}`, `    response: ${failure.response}`);
    }
  }
  return lines.join('\n');
}
