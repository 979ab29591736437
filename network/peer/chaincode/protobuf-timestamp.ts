/**
 * google.protobuf.Timestamp as a length-delimited field, written by hand. @hyperledger/fabric-protos types its
 * Timestamp fields against google-protobuf's untyped timestamp_pb module; appending the encoded field to a message's
 * serialized bytes is valid protobuf (fields may come in any order) and keeps everything typed.
 */
export interface ProtoTimestamp {
  readonly seconds: number;
  readonly nanos: number;
}

/** The bytes of `fieldNumber: Timestamp{seconds, nanos}` (wire type 2), to append to a serialized message. */
export function timestampField(fieldNumber: number, timestamp: ProtoTimestamp): Uint8Array {
  const body: number[] = [];
  if (timestamp.seconds !== 0) body.push(0x08, ...varint(timestamp.seconds));
  if (timestamp.nanos !== 0) body.push(0x10, ...varint(timestamp.nanos));
  return Uint8Array.from([...varint((fieldNumber << 3) | 2), ...varint(body.length), ...body]);
}

export function appendBytes(message: Uint8Array, field: Uint8Array): Uint8Array {
  const out = new Uint8Array(message.length + field.length);
  out.set(message, 0);
  out.set(field, message.length);
  return out;
}

/** Unsigned LEB128 of a non-negative safe integer (timestamps before 1970 do not occur on a ledger). */
function varint(value: number): number[] {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot encode ${value} as a varint`);
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}
