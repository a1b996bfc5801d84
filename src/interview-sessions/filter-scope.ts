import type { InterviewSessionFilter } from './interview-session-filter.input';

/**
 * What a cursor of the list remembers of its filter (connections/cursor.ts): the same conditions
 * give the same scope, whichever way the client wrote them.
 */
export function filterScope(filter: InterviewSessionFilter | null | undefined): string {
  return [filter?.status, filter?.createdAfter?.toISOString(), filter?.createdBefore?.toISOString()].map((part) => part ?? '').join('|');
}
