import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countProtobufSpans } from './otlp-protobuf';

/** A span as the receiver read it from an OTLP/HTTP JSON export, attributes as plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  /** The W3C tracestate the span carries ('' when none). */
  traceState: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, unknown>;
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  /** Start, in nanoseconds since the epoch (as a double: enough to order spans). */
  startNs: number;
  durationMs: number;
  /** The resource's attributes: service.name… */
  resource: Record<string, unknown>;
}

/**
 * An OpenTelemetry collector as small as a test needs: OTLP/HTTP on 127.0.0.1, answering every
 * export of traces with 200. JSON exports (http/json) are read span by span; protobuf ones
 * (http/protobuf) are only counted, spans included.
 */
export interface OtlpReceiver {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT: the SDK appends /v1/traces. */
  readonly endpoint: string;
  /** The spans of every JSON export so far, in the order they arrived. */
  spans(): ReceivedSpan[];
  /** Resolves with the spans once `matches` holds for them; fails after timeoutMs. */
  waitForSpans(matches: (spans: ReceivedSpan[]) => boolean, what: string, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /** Exports received (any protocol), the spans in them, and their bytes. */
  readonly received: { exports: number; spans: number; bytes: number };
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const received = { exports: 0, spans: 0, bytes: 0 };
  const server: Server = createServer((request, response) => {
    void bodyOf(request).then((body) => {
      received.exports += 1;
      received.bytes += body.length;
      if (request.headers['content-type']?.startsWith('application/json')) {
        const read = spansOf(JSON.parse(body.toString('utf8')));
        spans.push(...read);
        received.spans += read.length;
      } else {
        received.spans += countProtobufSpans(body);
      }
      response.writeHead(200, { 'content-type': request.headers['content-type'] ?? 'application/json' }).end();
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans: () => [...spans],
    async waitForSpans(matches, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!matches(spans)) {
        if (Date.now() > deadline) {
          throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received: ${spans.map((span) => span.name).join(', ')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return [...spans];
    },
    received,
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}

function bodyOf(request: IncomingMessage): Promise<Buffer> {
  return new Promise((done, failed) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => done(Buffer.concat(chunks)));
    request.on('error', failed);
  });
}

interface OtlpValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}

function spansOf(request: any): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans: any) => {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans: any) =>
      (scopeSpans.spans ?? []).map((span: any): ReceivedSpan => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId === '' ? undefined : span.parentSpanId,
        traceState: span.traceState ?? '',
        name: span.name,
        kind: span.kind,
        attributes: attributesOf(span.attributes),
        status: { code: span.status?.code ?? 0, ...(span.status?.message && { message: span.status.message }) },
        startNs: Number(span.startTimeUnixNano),
        durationMs: (Number(span.endTimeUnixNano) - Number(span.startTimeUnixNano)) / 1e6,
        resource,
      })),
    );
  });
}

function attributesOf(attributes: OtlpAttribute[] | undefined): Record<string, unknown> {
  return Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, valueOf(value)]));
}

function valueOf(value: OtlpValue): unknown {
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(valueOf);
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.boolValue ?? value.doubleValue;
}
