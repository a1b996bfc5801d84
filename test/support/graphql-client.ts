export interface GraphQLResponse<Data = any> {
  status: number;
  headers: Headers;
  body: {
    data?: Data | null;
    errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
    extensions?: Record<string, any>;
  };
}

/** One GraphQL request over real HTTP, as any client would send it (`headers`: e.g. an Authorization header). */
export function graphql<Data = any>(
  baseUrl: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<Data>> {
  return postJson<Data>(baseUrl, { query, variables }, headers);
}

/** A POST of any JSON body to /graphql: a document named by id, say, instead of sent. */
export async function postJson<Data = any>(
  baseUrl: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<Data>> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<Data>['body'] };
}

/** The error codes of a response, for compact assertions. */
export function errorCodes(response: GraphQLResponse): string[] {
  return (response.body.errors ?? []).map((error) => error.extensions?.code);
}
