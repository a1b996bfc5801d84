import { KeysetOrder } from '../connections/keyset-order';

/** A session's feedback, newest first: its only order. */
export const FEEDBACK_ORDER = new KeysetOrder('CREATED_AT_DESC', 'createdAt', 'created_at', 'desc');
