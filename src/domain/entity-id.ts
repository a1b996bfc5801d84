import { validate as isUuid } from 'uuid';
import { InvalidInputError } from './domain-error';

/**
 * An id a client sent, checked: ids are UUIDs, so anything else is the client's mistake (on
 * `argument`), not a lookup that finds nothing. Lower-cased, as PostgreSQL writes a uuid.
 */
export function entityId(id: string, what: string, argument = 'id'): string {
  if (!isUuid(id)) throw new InvalidInputError(`"${id.slice(0, 64)}" is not a valid ${what} id (a UUID)`, argument);
  return id.toLowerCase();
}
