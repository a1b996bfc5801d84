import { ObjectType } from 'type-graphql';
import { connectionOf, type Page } from '../connections/connection';
import type { KeysetCursors } from '../connections/cursor';
import { InterviewSession } from './interview-session.entity';
import type { InterviewSessionFilter } from './interview-session-filter.input';
import type { InterviewSessionData } from './interview-session.reads';

@ObjectType({ description: 'A page of sessions, in the order asked for.', simpleResolvers: true })
export class InterviewSessionConnection extends connectionOf<InterviewSessionData>(InterviewSession, 'InterviewSession') {
  constructor(
    page: Page<InterviewSessionData>,
    cursors: KeysetCursors,
    hasPreviousPage: boolean,
    /** Not a field: what `totalCount` counts, resolved only when a client asks for it. */
    readonly filter: InterviewSessionFilter | null | undefined,
  ) {
    super(page, cursors, hasPreviousPage);
  }
}
