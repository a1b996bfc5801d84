import type { Case, CaseContext } from '../case';
import { hostileCreateCase, type CreateTarget } from './hostile-create';
import { hostileIdCase, hostileUpdateIdCase, type IdOperation } from './hostile-id';
import { hostileListCase, type ListTarget } from './hostile-list';
import { hostileUpdateInputCase, type UpdateInputTarget } from './hostile-update';

/** Every argument of every operation, and every field of the input objects. */
type Target =
  | { op: IdOperation; arg: 'id' }
  | ({ op: 'interviewSessions' } & ListTarget)
  | ({ op: 'createInterviewSession'; arg: 'input' } & CreateTarget)
  | { op: 'updateInterviewSession'; arg: 'id' }
  | ({ op: 'updateInterviewSession'; arg: 'input' } & UpdateInputTarget);

const TARGETS: readonly Target[] = [
  { op: 'interviewSession', arg: 'id' },
  { op: 'startInterviewSession', arg: 'id' },
  { op: 'completeInterviewSession', arg: 'id' },
  { op: 'cancelInterviewSession', arg: 'id' },
  { op: 'deleteInterviewSession', arg: 'id' },
  { op: 'interviewSessions', arg: 'first' },
  { op: 'interviewSessions', arg: 'after' },
  { op: 'interviewSessions', arg: 'filter' },
  { op: 'interviewSessions', arg: 'filter', field: 'status' },
  { op: 'interviewSessions', arg: 'filter', field: 'createdAfter' },
  { op: 'interviewSessions', arg: 'filter', field: 'createdBefore' },
  { op: 'createInterviewSession', arg: 'input' },
  { op: 'createInterviewSession', arg: 'input', field: 'title' },
  { op: 'createInterviewSession', arg: 'input', field: 'candidateName' },
  { op: 'createInterviewSession', arg: 'input', field: 'scheduledAt' },
  { op: 'updateInterviewSession', arg: 'id' },
  { op: 'updateInterviewSession', arg: 'input' },
  { op: 'updateInterviewSession', arg: 'input', field: 'title' },
  { op: 'updateInterviewSession', arg: 'input', field: 'candidateName' },
  { op: 'updateInterviewSession', arg: 'input', field: 'scheduledAt' },
];

/** A hostile value in one argument (or input field) of one operation, the others valid. */
export function hostileArgumentCase(context: CaseContext): Case | undefined {
  const target = context.rng.pick(TARGETS);
  switch (target.op) {
    case 'interviewSessions':
      return hostileListCase(context, target);
    case 'createInterviewSession':
      return hostileCreateCase(context, target);
    case 'updateInterviewSession':
      return target.arg === 'id' ? hostileUpdateIdCase(context) : hostileUpdateInputCase(context, target);
    default:
      return hostileIdCase(context, target.op);
  }
}
