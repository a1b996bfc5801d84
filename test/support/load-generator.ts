import { randomBytes } from 'node:crypto';

/**
 * Continuous load on the API from several concurrent clients, each in a loop without pause:
 * reads (a page of the list, one session by id) and writes (create, start), every request
 * recorded with its outcome. Each client writes only sessions of its own, with unique titles,
 * so that the table can be checked afterwards against what the clients were told:
 *
 *   const load = startLoad(proxy.url, { clients: 6, maxDurationMs: 60_000 });
 *   …                                     // restart servers, kill one…
 *   const requests = await load.stop();   // every request, once the clients have stopped
 *
 * Every request carries an `x-request-id` of its own (the server logs it and echoes it), so that
 * the server's log says which instance served which request, and when.
 */

export type RequestKind = 'list' | 'get' | 'create' | 'start';

export interface LoadRequest {
  kind: RequestKind;
  client: number;
  /** The x-request-id it carried. */
  requestId: string;
  /** create: the unique title it asked for. */
  title?: string;
  /** get, start: the session; create: the id it got back. */
  id?: string;
  /** Date.now() when it was sent and when its answer (or failure) came. */
  startedAt: number;
  endedAt: number;
  /** The HTTP status, when an answer came. */
  status?: number;
  /** 200 with the data asked for and no GraphQL error. */
  ok: boolean;
  /** Why it failed: the connection error, or the status with the body's error codes. */
  failure?: string;
}

export interface LoadOptions {
  clients: number;
  /** The clients stop by themselves after this long, whatever happens (the test's bound). */
  maxDurationMs: number;
  /** A single request gives up after this long. Default 10 s. */
  requestTimeoutMs?: number;
}

export interface Load {
  /** Marks every session title this run wrote (`<tag> <client>-<n>`). */
  readonly tag: string;
  /** The requests answered or failed so far. */
  results(): readonly LoadRequest[];
  /** Stops the clients (each finishes the request it is waiting for) and resolves with every request. */
  stop(): Promise<LoadRequest[]>;
}

const LIST = 'query List { interviewSessions(first: 10) { nodes { id status } } }';
const GET = 'query Get($id: ID!) { interviewSession(id: $id) { id status } }';
const CREATE =
  'mutation Create($title: String!) { createInterviewSession(input: { title: $title, candidateName: "Load Client" }) { id status } }';
const START = 'mutation Start($id: ID!) { startInterviewSession(id: $id) { id status } }';

export function startLoad(baseUrl: string, { clients, maxDurationMs, requestTimeoutMs = 10_000 }: LoadOptions): Load {
  const tag = `load-${randomBytes(4).toString('hex')}`;
  const results: LoadRequest[] = [];
  const deadline = Date.now() + maxDurationMs;
  let stopped = false;
  const running = () => !stopped && Date.now() < deadline;

  async function send(
    kind: RequestKind,
    client: number,
    requestId: string,
    query: string,
    variables: Record<string, string>,
    expected: (data: any) => boolean,
  ): Promise<LoadRequest> {
    const startedAt = Date.now();
    const request: Omit<LoadRequest, 'endedAt' | 'ok'> = { kind, client, requestId, startedAt, title: variables.title, id: variables.id };
    try {
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      const text = await response.text();
      let body: { data?: any; errors?: { extensions?: { code?: string } }[] } | undefined;
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        // not JSON: a load balancer's own error page, say
      }
      const ok = response.status === 200 && body?.errors === undefined && expected(body?.data);
      const failure = ok
        ? undefined
        : `HTTP ${response.status}: ${body?.errors?.map((error) => error.extensions?.code).join(', ') ?? text.slice(0, 200)}`;
      const id = kind === 'create' && ok ? (body?.data.createInterviewSession.id as string) : request.id;
      return { ...request, id, endedAt: Date.now(), status: response.status, ok, failure };
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { ...request, endedAt: Date.now(), ok: false, failure: cause?.code ?? cause?.message ?? (error as Error).message };
    }
  }

  async function client(number: number): Promise<void> {
    const created: string[] = []; // sessions of this client that are still SCHEDULED
    const known: string[] = [];
    for (let n = 1; running(); n++) {
      const requestId = `${tag}-${number}-${n}`;
      const dice = Math.random();
      let result: LoadRequest;
      if (dice < 0.35 || known.length === 0) {
        const title = `${tag} ${number}-${n}`;
        result = await send('create', number, requestId, CREATE, { title }, (data) => data?.createInterviewSession?.status === 'SCHEDULED');
        if (result.ok) {
          created.push(result.id!);
          known.push(result.id!);
        }
      } else if (dice < 0.5 && created.length > 0) {
        // Each session is started once at most: its status then says whether the start happened.
        const id = created.splice(Math.floor(Math.random() * created.length), 1)[0]!;
        result = await send('start', number, requestId, START, { id }, (data) => data?.startInterviewSession?.status === 'IN_PROGRESS');
      } else if (dice < 0.75) {
        const id = known[Math.floor(Math.random() * known.length)]!;
        result = await send('get', number, requestId, GET, { id }, (data) => data?.interviewSession?.id === id);
      } else {
        result = await send('list', number, requestId, LIST, {}, (data) => Array.isArray(data?.interviewSessions?.nodes));
      }
      results.push(result);
    }
  }

  const clientsDone = Promise.all(Array.from({ length: clients }, (_, number) => client(number + 1)));
  return {
    tag,
    results: () => results,
    async stop() {
      stopped = true;
      await clientsDone;
      return [...results];
    },
  };
}
