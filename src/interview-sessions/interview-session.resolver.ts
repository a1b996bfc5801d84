import { LockMode, OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, Extensions, ID, Info, Int, Mutation, Query, Resolver } from 'type-graphql';
import { describedWithScope, SESSIONS_READ, SESSIONS_WRITE } from '../auth/scopes';
import { ownFields } from '../connections/connection-selection';
import { KeysetCursors } from '../connections/cursor';
import { AFTER_ARGUMENT, firstArgument, type PageSizes } from '../connections/page-arguments';
import { requestedPage } from '../connections/requested-page';
import { NotFoundError, VersionConflictError } from '../domain/domain-error';
import { entityId } from '../domain/entity-id';
import type { Context } from '../graphql/context';
import { pagedUpTo } from '../graphql/cost-annotations';
import { CreateInterviewSessionInput } from './create-interview-session.input';
import { InterviewSession } from './interview-session.entity';
import { InterviewSessionConnection } from './interview-session-connection';
import { filterScope } from './filter-scope';
import { InterviewSessionFilter } from './interview-session-filter.input';
import { InterviewSessionOrder, SESSION_ORDERS } from './interview-session-order';
import { InterviewSessionReads, type InterviewSessionData } from './interview-session.reads';
import { applyStatusAction } from './status-transitions';
import { UpdateInterviewSessionInput } from './update-interview-session.input';

const PAGE_SIZE: PageSizes = { default: 20, max: 100 };
/** Every change of a session takes the version its client read, if the client keeps one. */
const EXPECTED_VERSION = {
  nullable: true,
  description: 'the version the change is meant for: when the session is at another, nothing changes and the error is VERSION_CONFLICT',
} as const;

@Resolver(() => InterviewSession)
export class InterviewSessionResolver {
  @Authorized(SESSIONS_READ)
  @Query(() => InterviewSession, { nullable: true, description: describedWithScope(SESSIONS_READ, 'null when no session has this id.') })
  interviewSession(
    @Arg('id', () => ID) id: string,
    @Ctx() { db }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<InterviewSessionData | null> {
    return new InterviewSessionReads(db).findById(sessionId(id), ownFields(info));
  }

  @Authorized(SESSIONS_READ)
  @Extensions(pagedUpTo(PAGE_SIZE.max))
  @Query(() => InterviewSessionConnection, {
    description: describedWithScope(SESSIONS_READ, 'In the order asked for, newest first by default; keyset-paginated.'),
  })
  async interviewSessions(
    @Ctx() { db }: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('orderBy', () => InterviewSessionOrder, {
      nullable: true,
      defaultValue: InterviewSessionOrder.CREATED_AT_DESC,
      description: 'a cursor works only in the order and under the filter of the page that gave it',
    })
    orderBy?: InterviewSessionOrder | null,
    @Arg('filter', () => InterviewSessionFilter, { nullable: true }) filter?: InterviewSessionFilter | null,
    @Arg('first', () => Int, firstArgument(PAGE_SIZE)) first?: number | null,
    @Arg('after', () => String, AFTER_ARGUMENT) after?: string | null,
  ): Promise<InterviewSessionConnection> {
    const order = SESSION_ORDERS[orderBy ?? InterviewSessionOrder.CREATED_AT_DESC];
    const cursors = new KeysetCursors(order, filterScope(filter));
    const { page, hasPreviousPage } = await requestedPage(info, { first, after }, PAGE_SIZE, cursors, (request) =>
      new InterviewSessionReads(db).findPage(filter, order, request),
    );
    return new InterviewSessionConnection(page, cursors, hasPreviousPage, filter);
  }

  @Authorized(SESSIONS_WRITE)
  @Mutation(() => InterviewSession, { description: describedWithScope(SESSIONS_WRITE, 'A new session, SCHEDULED.') })
  async createInterviewSession(
    @Arg('input', () => CreateInterviewSessionInput) input: CreateInterviewSessionInput,
    @Ctx() { em }: Context,
  ): Promise<InterviewSession> {
    // Every field of the input is a column of the same name: a field added to both needs no edit here.
    const session = em.create(InterviewSession, input);
    await em.flush();
    return session;
  }

  @Authorized(SESSIONS_WRITE)
  @Mutation(() => InterviewSession, {
    description: describedWithScope(SESSIONS_WRITE, 'Changes the fields given; the others keep their values.'),
  })
  updateInterviewSession(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateInterviewSessionInput) input: UpdateInterviewSessionInput,
    @Ctx() { em }: Context,
    @Arg('expectedVersion', () => Int, EXPECTED_VERSION) expectedVersion?: number | null,
  ): Promise<InterviewSession> {
    const changes = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
    return changeSession(em, id, expectedVersion, (session) => em.assign(session, changes));
  }

  @Authorized(SESSIONS_WRITE)
  @Mutation(() => InterviewSession, { description: describedWithScope(SESSIONS_WRITE, 'SCHEDULED → IN_PROGRESS; sets startedAt.') })
  startInterviewSession(
    @Arg('id', () => ID) id: string,
    @Ctx() { em }: Context,
    @Arg('expectedVersion', () => Int, EXPECTED_VERSION) expectedVersion?: number | null,
  ): Promise<InterviewSession> {
    return changeSession(em, id, expectedVersion, (session) => applyStatusAction(session, 'start'));
  }

  @Authorized(SESSIONS_WRITE)
  @Mutation(() => InterviewSession, { description: describedWithScope(SESSIONS_WRITE, 'IN_PROGRESS → COMPLETED; sets completedAt.') })
  completeInterviewSession(
    @Arg('id', () => ID) id: string,
    @Ctx() { em }: Context,
    @Arg('expectedVersion', () => Int, EXPECTED_VERSION) expectedVersion?: number | null,
  ): Promise<InterviewSession> {
    return changeSession(em, id, expectedVersion, (session) => applyStatusAction(session, 'complete'));
  }

  @Authorized(SESSIONS_WRITE)
  @Mutation(() => InterviewSession, { description: describedWithScope(SESSIONS_WRITE, 'SCHEDULED or IN_PROGRESS → CANCELLED.') })
  cancelInterviewSession(
    @Arg('id', () => ID) id: string,
    @Ctx() { em }: Context,
    @Arg('expectedVersion', () => Int, EXPECTED_VERSION) expectedVersion?: number | null,
  ): Promise<InterviewSession> {
    return changeSession(em, id, expectedVersion, (session) => applyStatusAction(session, 'cancel'));
  }

  @Authorized(SESSIONS_WRITE)
  @Mutation(() => Boolean, {
    description: describedWithScope(SESSIONS_WRITE, 'true when the session was deleted, false when it did not exist.'),
  })
  async deleteInterviewSession(
    @Arg('id', () => ID) id: string,
    @Ctx() { em }: Context,
    @Arg('expectedVersion', () => Int, EXPECTED_VERSION) expectedVersion?: number | null,
  ): Promise<boolean> {
    const key = sessionId(id);
    if (expectedVersion == null) return (await em.nativeDelete(InterviewSession, { id: key })) > 0;
    // The version is a condition of the DELETE itself: a concurrent change makes it delete nothing.
    if ((await em.nativeDelete(InterviewSession, { id: key, version: expectedVersion })) > 0) return true;
    throw new VersionConflictError(`InterviewSession ${key}`, expectedVersion, await currentVersion(em, key));
  }
}

const sessionId = (id: string) => entityId(id, 'session');

/**
 * Loads the session, changes it, writes it, in a transaction. Without `expectedVersion` the row is
 * locked while it changes: concurrent changes apply one after the other, the last one winning, as
 * clients that send no version expect. With it, nothing is locked: the version read must be the
 * one expected, and the UPDATE itself carries `and version = ?`, so of two concurrent changes
 * made from the same version exactly one wins; the other is a VERSION_CONFLICT.
 */
async function changeSession(
  em: EntityManager,
  id: string,
  expectedVersion: number | null | undefined,
  change: (session: InterviewSession) => void,
): Promise<InterviewSession> {
  const key = sessionId(id);
  const what = `InterviewSession ${key}`;
  try {
    return await em.transactional(async (tx) => {
      const lockMode = expectedVersion == null ? LockMode.PESSIMISTIC_WRITE : undefined;
      const session = await tx.findOne(InterviewSession, key, { lockMode });
      if (!session) {
        if (expectedVersion == null) throw new NotFoundError('InterviewSession', id);
        throw new VersionConflictError(what, expectedVersion, null);
      }
      if (expectedVersion != null) await tx.lock(session, LockMode.OPTIMISTIC, expectedVersion);
      change(session);
      return session;
    });
  } catch (error) {
    if (!(error instanceof OptimisticLockError) || expectedVersion == null) throw error;
    throw new VersionConflictError(what, expectedVersion, await currentVersion(em, key));
  }
}

/** The stored version of a session (read again, in the request's own transaction if it has one); null when it is gone. */
async function currentVersion(em: EntityManager, id: string): Promise<number | null> {
  const session = await em.findOne(InterviewSession, id, { fields: ['version'], refresh: true });
  return session?.version ?? null;
}
