import { InvalidStatusTransitionError } from './errors';
import type { InterviewSession } from './interview-session.entity';
import { InterviewSessionStatus, statusName } from './interview-session-status';

export type StatusAction = 'start' | 'complete' | 'cancel';

interface Transition {
  from: readonly InterviewSessionStatus[];
  to: InterviewSessionStatus;
  /** The timestamp the transition records, if any. */
  stamp?: 'startedAt' | 'completedAt';
  /** For the error message: "cannot be started". */
  pastTense: string;
}

const { SCHEDULED, IN_PROGRESS, COMPLETED, CANCELLED } = InterviewSessionStatus;

/** The whole life cycle: SCHEDULED → IN_PROGRESS → COMPLETED, and CANCELLED from either open state. */
const TRANSITIONS: Record<StatusAction, Transition> = {
  start: { from: [SCHEDULED], to: IN_PROGRESS, stamp: 'startedAt', pastTense: 'started' },
  complete: { from: [IN_PROGRESS], to: COMPLETED, stamp: 'completedAt', pastTense: 'completed' },
  cancel: { from: [SCHEDULED, IN_PROGRESS], to: CANCELLED, pastTense: 'cancelled' },
};

/** Moves the session to its next status, or throws INVALID_STATUS_TRANSITION. */
export function applyStatusAction(session: InterviewSession, action: StatusAction, now = new Date()): void {
  const transition = TRANSITIONS[action];
  if (!transition.from.includes(session.status)) {
    throw new InvalidStatusTransitionError(statusName(session.status), transition.pastTense);
  }
  session.status = transition.to;
  if (transition.stamp) session[transition.stamp] = now;
}
