import { registerEnumType } from 'type-graphql';

/** GraphQL shows the keys (IN_PROGRESS); the database stores the lower-case values. */
export enum InterviewSessionStatus {
  SCHEDULED = 'scheduled',
  IN_PROGRESS = 'in_progress',
  COMPLETED = 'completed',
  CANCELLED = 'cancelled',
}

registerEnumType(InterviewSessionStatus, {
  name: 'InterviewSessionStatus',
  description: 'Where a session is in its life: SCHEDULED → IN_PROGRESS → COMPLETED, or CANCELLED before it completes.',
});

/** Clients know statuses by their GraphQL names (IN_PROGRESS), not the stored values. */
export function statusName(status: InterviewSessionStatus): string {
  return Object.entries(InterviewSessionStatus).find(([, value]) => value === status)?.[0] ?? status;
}
