import type { FuzzRequest } from './request';

/** No single request may hold the run for longer: a hung answer is a failure of its own. */
const REQUEST_TIMEOUT_MS = 15_000;

/** What came back: an HTTP answer, or (`transport`) why there was none. */
export interface Reply {
  status?: number;
  contentType?: string | null;
  requestId?: string | null;
  text?: string;
  transport?: string;
  ms: number;
}

/** Sends one request to the server at `baseUrl`; never throws. */
export async function send(baseUrl: string, request: FuzzRequest): Promise<Reply> {
  const init: RequestInit = { method: request.method, headers: request.headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
  const body = request.body;
  if (typeof body === 'string' || body instanceof Uint8Array) init.body = body;
  else if (body) {
    const chunks = body.chunks;
    init.body = (async function* () {
      for (const chunk of chunks) yield chunk;
    })();
    init.duplex = 'half';
  }
  const started = performance.now();
  try {
    const response = await fetch(`${baseUrl}${request.path}`, init);
    const text = Buffer.from(await response.arrayBuffer()).toString('utf8');
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      requestId: response.headers.get('x-request-id'),
      text,
      ms: performance.now() - started,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return {
      transport: `${(error as Error).name}: ${(error as Error).message}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`,
      ms: performance.now() - started,
    };
  }
}
