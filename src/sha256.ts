import { createHash } from 'node:crypto';

/** The SHA-256 of a text, in hex: a document's id, a token or a principal as a key that holds no secret. */
export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
