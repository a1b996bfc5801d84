/** Client-chosen text in a log line or a span: at most this many characters, so that a client cannot make them of any size. */
const MAX_TEXT = 256;

export function bounded(text: string | null | undefined): string | undefined {
  if (text == null) return undefined;
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}
