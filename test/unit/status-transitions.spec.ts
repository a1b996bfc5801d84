import { InvalidStatusTransitionError } from '../../src/interview-sessions/errors';
import { InterviewSession } from '../../src/interview-sessions/interview-session.entity';
import { InterviewSessionStatus } from '../../src/interview-sessions/interview-session-status';
import { applyStatusAction, type StatusAction } from '../../src/interview-sessions/status-transitions';

/** A status by its GraphQL name; the expected outcomes below name the stored values (docs: scheduled · in_progress · completed · cancelled). */
type Status = keyof typeof InterviewSessionStatus;

const NOW = new Date('2030-01-02T10:00:00.000Z');

function sessionIn(status: Status): InterviewSession {
  const session = new InterviewSession();
  session.status = InterviewSessionStatus[status];
  return session;
}

/** What an action does to a session in each status: the status it moves to, or the error a client gets. */
function outcomeOf(status: Status, action: StatusAction) {
  const session = sessionIn(status);
  try {
    applyStatusAction(session, action, NOW);
  } catch (error) {
    if (!(error instanceof InvalidStatusTransitionError)) throw error;
    return { code: error.code, message: error.message, details: error.details };
  }
  return { status: session.status, startedAt: session.startedAt, completedAt: session.completedAt };
}

const refused = (status: Status, pastTense: string) => ({
  code: 'INVALID_STATUS_TRANSITION',
  message: `A session that is ${status} cannot be ${pastTense}`,
  details: { status },
});

describe('the life cycle: SCHEDULED → IN_PROGRESS → COMPLETED, and CANCELLED from either open state', () => {
  it.each<[Status, StatusAction, object]>([
    ['SCHEDULED', 'start', { status: 'in_progress', startedAt: NOW, completedAt: undefined }],
    ['SCHEDULED', 'complete', refused('SCHEDULED', 'completed')],
    ['SCHEDULED', 'cancel', { status: 'cancelled', startedAt: undefined, completedAt: undefined }],
    ['IN_PROGRESS', 'start', refused('IN_PROGRESS', 'started')],
    ['IN_PROGRESS', 'complete', { status: 'completed', startedAt: undefined, completedAt: NOW }],
    ['IN_PROGRESS', 'cancel', { status: 'cancelled', startedAt: undefined, completedAt: undefined }],
    ['COMPLETED', 'start', refused('COMPLETED', 'started')],
    ['COMPLETED', 'complete', refused('COMPLETED', 'completed')],
    ['COMPLETED', 'cancel', refused('COMPLETED', 'cancelled')],
    ['CANCELLED', 'start', refused('CANCELLED', 'started')],
    ['CANCELLED', 'complete', refused('CANCELLED', 'completed')],
    ['CANCELLED', 'cancel', refused('CANCELLED', 'cancelled')],
  ])('from %s, %s', (status, action, outcome) => {
    expect(outcomeOf(status, action)).toEqual(outcome);
  });

  it('leaves a refused session as it was', () => {
    const session = sessionIn('COMPLETED');
    expect(() => applyStatusAction(session, 'start', NOW)).toThrow(InvalidStatusTransitionError);
    expect([session.status, session.startedAt]).toEqual(['completed', undefined]);
  });
});
