/**
 * The number of spans in an OTLP/HTTP protobuf export (ExportTraceServiceRequest), read from the
 * wire format without a schema: resource_spans (field 1) → scope_spans (field 2) → spans (field 2).
 */
export function countProtobufSpans(message: Uint8Array): number {
  let spans = 0;
  for (const resourceSpans of lengthDelimited(message, 0, message.length, 1)) {
    for (const scopeSpans of lengthDelimited(message, resourceSpans.start, resourceSpans.end, 2)) {
      spans += [...lengthDelimited(message, scopeSpans.start, scopeSpans.end, 2)].length;
    }
  }
  return spans;
}

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** The length-delimited values of field `wanted` between start and end; every other field is skipped. */
function* lengthDelimited(buffer: Uint8Array, start: number, end: number, wanted: number): Generator<{ start: number; end: number }> {
  let at = start;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = buffer[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < end) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (wireType === VARINT) varint();
    else if (wireType === FIXED64) at += 8;
    else if (wireType === FIXED32) at += 4;
    else if (wireType === LENGTH_DELIMITED) {
      const length = varint();
      if (field === wanted) yield { start: at, end: at + length };
      at += length;
    } else throw new Error(`unexpected protobuf wire type ${wireType} at byte ${at}`);
  }
}
