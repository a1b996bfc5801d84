import { registerEnumType } from 'type-graphql';
import { KeysetOrder } from '../connections/keyset-order';

/** The orders of `interviewSessions`; each breaks ties by id in its own direction. */
export enum InterviewSessionOrder {
  CREATED_AT_DESC = 'CREATED_AT_DESC',
  CREATED_AT_ASC = 'CREATED_AT_ASC',
  SCHEDULED_AT_ASC = 'SCHEDULED_AT_ASC',
  SCHEDULED_AT_DESC = 'SCHEDULED_AT_DESC',
  UPDATED_AT_DESC = 'UPDATED_AT_DESC',
}

registerEnumType(InterviewSessionOrder, {
  name: 'InterviewSessionOrder',
  description: 'The order of a list of sessions. Ties are broken by id, in the same direction; sessions without scheduledAt come last.',
  valuesConfig: {
    CREATED_AT_DESC: { description: 'newest first' },
    CREATED_AT_ASC: { description: 'oldest first' },
    SCHEDULED_AT_ASC: { description: 'soonest scheduled first, unscheduled last' },
    SCHEDULED_AT_DESC: { description: 'latest scheduled first, unscheduled last' },
    UPDATED_AT_DESC: { description: 'most recently changed first' },
  },
});

const { CREATED_AT_DESC, CREATED_AT_ASC, SCHEDULED_AT_ASC, SCHEDULED_AT_DESC, UPDATED_AT_DESC } = InterviewSessionOrder;

/**
 * Each order as the reads run it. The entity declares an index for each (the status filter's
 * too), built from these same keys; CREATED_AT_ASC is CREATED_AT_DESC's index read backwards.
 */
export const SESSION_ORDERS: Readonly<Record<InterviewSessionOrder, KeysetOrder>> = {
  CREATED_AT_DESC: new KeysetOrder(CREATED_AT_DESC, 'createdAt', 'created_at', 'desc'),
  CREATED_AT_ASC: new KeysetOrder(CREATED_AT_ASC, 'createdAt', 'created_at', 'asc'),
  SCHEDULED_AT_ASC: new KeysetOrder(SCHEDULED_AT_ASC, 'scheduledAt', 'scheduled_at', 'asc', true),
  SCHEDULED_AT_DESC: new KeysetOrder(SCHEDULED_AT_DESC, 'scheduledAt', 'scheduled_at', 'desc', true),
  UPDATED_AT_DESC: new KeysetOrder(UPDATED_AT_DESC, 'updatedAt', 'updated_at', 'desc'),
};
