import { KeysetOrder } from '../connections/keyset-order';

/** Newest first: the order of `interviewSessions`. */
export const NEWEST_FIRST = new KeysetOrder('CREATED_AT_DESC', 'createdAt', 'created_at', 'desc');
