export interface KeyedResponse {
  status: number;
  headers: Headers;
  /** The body exactly as sent, for byte-for-byte comparisons. */
  text: string;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[]; extensions?: Record<string, any> };
  /** The Idempotent-Replayed header: true when the server answered with a stored response. */
  replayed: boolean;
}

/** A GraphQL POST with an Idempotency-Key header (none when `key` is undefined), read as text and as JSON. */
export async function keyedRequest(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> | undefined,
  key: string | undefined,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<KeyedResponse> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }), ...headers },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: JSON.parse(text) as KeyedResponse['body'],
    replayed: response.headers.get('idempotent-replayed') === 'true',
  };
}
