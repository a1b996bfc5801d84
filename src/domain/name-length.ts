/**
 * A name or a title (a session's title, its candidate, an interviewer) holds 1 to 200
 * characters, as PostgreSQL's char_length counts them: the inputs check it (graphql/is-text.ts),
 * and a check constraint of each table that holds one says the same.
 */
export const NAME_MAX_LENGTH = 200;

/** The rule as an input field's description says it. */
export const NAME_LENGTH = `1 to ${NAME_MAX_LENGTH} characters`;

/** The rule as a table's check constraint on `column` says it. */
export const nameLengthCheck = (column: string) => `(char_length(${column}) >= 1) AND (char_length(${column}) <= ${NAME_MAX_LENGTH})`;
