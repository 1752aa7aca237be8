import type { Socket } from 'node:net';
import { authenticated, unixSocketPath } from './connect.js';
import { Reader, Writer, type Variant } from './wire.js';

/**
 * A minimal client of the D-Bus session bus: connects over its unix socket, authenticates as this
 * user (SASL EXTERNAL), and makes method calls. Calls made together are written together and their
 * replies matched by serial, so a thousand calls cost one write and no waiting in between.
 * Anything unexpected (no usable address, refused authentication, a malformed message, silence for
 * longer than `idleMs`) fails every pending call; the caller then takes its slower, well-known path.
 */

export interface MethodCall {
  destination: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: readonly unknown[];
}

/** An error reply: `name` is the D-Bus error name (org.freedesktop.Secret.Error.IsLocked, …). */
export class BusError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

const LITTLE_ENDIAN = 'l'.charCodeAt(0);
const METHOD_CALL = 1;
const METHOD_RETURN = 2;
const ERROR = 3;
const NO_REPLY_EXPECTED = 0x1;
/** Header field codes. */
const FIELD = { path: 1, interface: 2, member: 3, errorName: 4, replySerial: 5, destination: 6, signature: 8 } as const;
/**
 * Calls awaiting a reply at once. A bus limits them per connection (dbus-daemon: 128 unless its
 * configuration says otherwise); the rest wait, sent in batches as replies come in.
 */
const IN_FLIGHT = 100;
const REFILL_BELOW = IN_FLIGHT / 2;
/** Far beyond any reply here; a length past it means the stream is not what we think it is. */
const MAX_MESSAGE = 64 * 1024 * 1024;

/** The header fields that a batch of calls to one method share, marshalled once (a listing makes a thousand such calls). */
const sharedFields = new Map<string, Buffer>();

function sharedFieldsOf(call: MethodCall): Buffer {
  const key = [call.destination, call.interface, call.member, call.signature ?? ''].join('\n');
  let bytes = sharedFields.get(key);
  if (!bytes) {
    const fields: Array<[number, Variant]> = [
      [FIELD.interface, ['s', call.interface]],
      [FIELD.member, ['s', call.member]],
      [FIELD.destination, ['s', call.destination]],
    ];
    if (call.signature) fields.push([FIELD.signature, ['g', call.signature]]);
    // Laid out from an 8-aligned offset, as they are in every message (right after the 16-byte fixed header).
    bytes = Buffer.from(new Writer().writeAll('(yv)'.repeat(fields.length), fields).bytes());
    sharedFields.set(key, bytes);
  }
  return bytes;
}

/** Appends a method call message to `writer`: the fixed header, the header fields (the path last), the body. */
export function encodeCall(writer: Writer, call: MethodCall, serial: number, flags = 0): void {
  writer.startMessage();
  const start = writer.length;
  // The lengths of the body and of the header fields are not known yet: 0 for now, filled in below.
  writer.writeAll('yyyyuuu', [LITTLE_ENDIAN, METHOD_CALL, flags, 1, 0, serial, 0]);
  const fields = writer.length;
  writer.raw(sharedFieldsOf(call));
  writer.writeAll('(yv)', [[FIELD.path, ['o', call.path]]]);
  writer.patchUint32(start + 12, writer.length - fields);
  writer.align(8);
  const body = writer.length;
  if (call.signature) writer.writeAll(call.signature, call.body ?? []);
  writer.patchUint32(start + 4, writer.length - body);
}

interface Incoming {
  type: number;
  replySerial?: number;
  errorName?: string;
  body: unknown[];
}

/** The length of the message that starts at `start`, once its fixed header is there. */
function messageLength(data: Buffer, start: number): number | undefined {
  if (data.length - start < 16) return undefined;
  if (data[start] !== LITTLE_ENDIAN) throw new Error('D-Bus message not little-endian');
  const fieldsLength = data.readUInt32LE(start + 12);
  const total = 16 + fieldsLength + ((8 - ((16 + fieldsLength) % 8)) % 8) + data.readUInt32LE(start + 4);
  if (total > MAX_MESSAGE) throw new Error('D-Bus message too large');
  return total;
}

/** The message of `length` bytes at `start` in `data`: its header fields read one by one, keeping the three used here. */
export function decodeMessage(data: Buffer, start = 0, length = data.length - start): Incoming {
  const reader = new Reader(data, start, start + length);
  const message: Incoming = { type: data[start + 1]!, body: [] };
  let signature = '';
  const fieldsEnd = start + 16 + data.readUInt32LE(start + 12);
  reader.offset = start + 16;
  while (reader.offset < fieldsEnd) {
    reader.align(8);
    const code = reader.readOne('y') as number;
    const type = reader.readOne('g') as string;
    if (code === FIELD.replySerial && type === 'u') message.replySerial = reader.readOne('u') as number;
    else if (code === FIELD.errorName && type === 's') message.errorName = reader.readOne('s') as string;
    else if (code === FIELD.signature && type === 'g') signature = reader.readOne('g') as string;
    // The sender, the destination: not needed.
    else reader.skip(type);
  }
  reader.align(8);
  if (signature) message.body = reader.readAll(signature);
  return message;
}

interface Waiting {
  resolve: (body: unknown[]) => void;
  reject: (error: Error) => void;
}

export class SessionBus {
  private serial = 0;
  private readonly pending = new Map<number, Waiting>();
  private waiting: Array<Waiting & { call: MethodCall }> = [];
  /** Messages not yet written: the calls made in this tick, written together. */
  private outgoing: Writer | undefined;
  private received: Buffer = Buffer.alloc(0);
  private idle: NodeJS.Timeout | undefined;
  /** When the bus last sent something (or when waiting began). */
  private heard = Date.now();
  private failure: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly idleMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('the D-Bus connection closed')));
  }

  /** Connects to the session bus named by `address` and says Hello; rejects if that cannot be done. */
  static async open(address: string | undefined, idleMs: number): Promise<SessionBus> {
    const path = address && unixSocketPath(address);
    if (!path) throw new Error('no unix D-Bus session address');
    const socket = await authenticated(path, idleMs);
    const bus = new SessionBus(socket, idleMs);
    await bus.call({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'Hello' });
    return bus;
  }

  /** Sends the call (with the others made in the same tick, in one write) and resolves with the reply's body. */
  call(call: MethodCall): Promise<unknown[]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ call, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.pending.size > REFILL_BELOW) return;
    let sent = 0;
    while (this.pending.size < IN_FLIGHT && sent < this.waiting.length) {
      const { call, resolve, reject } = this.waiting[sent++]!;
      const serial = ++this.serial;
      this.pending.set(serial, { resolve, reject });
      this.send((writer) => encodeCall(writer, call, serial));
    }
    if (sent) this.waiting = this.waiting.slice(sent);
  }

  /** A call whose answer does not matter (closing a session): no reply is asked for. */
  notify(call: MethodCall): void {
    if (!this.failure) this.send((writer) => encodeCall(writer, call, ++this.serial, NO_REPLY_EXPECTED));
  }

  /** Ends the connection after writing what is queued (a notify); calls still waiting fail. */
  close(): void {
    if (this.socket.writableEnded || this.socket.destroyed) return;
    const last = this.failure ? undefined : this.outgoing?.bytes();
    this.outgoing = undefined;
    this.settle(new Error('the D-Bus connection was closed'));
    if (last) this.socket.end(last);
    else this.socket.end();
    // The bus answers our end with its own; nothing here waits for that.
    this.socket.unref();
  }

  private send(encode: (writer: Writer) => void): void {
    if (!this.outgoing) {
      this.outgoing = new Writer();
      queueMicrotask(() => this.flush());
    }
    encode(this.outgoing);
    // Waiting starts now if nothing was due before.
    if (!this.idle) this.heard = Date.now();
    this.watch();
  }

  private flush(): void {
    const batch = this.outgoing;
    this.outgoing = undefined;
    if (batch && !this.failure) this.socket.write(batch.bytes());
  }

  /** While replies are due, silence for longer than idleMs fails the connection (one timer, re-armed only when it fires). */
  private watch(): void {
    if (this.idle || !this.pending.size) return;
    this.idle = setTimeout(
      () => {
        this.idle = undefined;
        if (!this.pending.size) return;
        if (Date.now() - this.heard >= this.idleMs) this.fail(new Error('the D-Bus peer did not answer in time'));
        else this.watch();
      },
      Math.max(this.heard + this.idleMs - Date.now(), 0),
    );
  }

  private receive(chunk: Buffer): void {
    this.heard = Date.now();
    // Messages are read where they lie; only a message split across chunks is copied together.
    const data = this.received.length ? Buffer.concat([this.received, chunk]) : chunk;
    let start = 0;
    try {
      for (let length = messageLength(data, start); length !== undefined && data.length - start >= length; length = messageLength(data, start)) {
        const message = decodeMessage(data, start, length);
        start += length;
        this.dispatch(message);
      }
      this.received = data.subarray(start);
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    this.watch();
  }

  private dispatch(message: Incoming): void {
    // Signals (NameAcquired, …) and calls addressed to us are not ours to answer.
    if ((message.type !== METHOD_RETURN && message.type !== ERROR) || message.replySerial === undefined) return;
    const waiting = this.pending.get(message.replySerial);
    if (!waiting) return;
    this.pending.delete(message.replySerial);
    this.pump();
    if (message.type === METHOD_RETURN) waiting.resolve(message.body);
    else waiting.reject(new BusError(message.errorName ?? 'org.freedesktop.DBus.Error.Failed', typeof message.body[0] === 'string' ? message.body[0] : (message.errorName ?? 'D-Bus error')));
  }

  private settle(error: Error): void {
    this.failure ??= error;
    clearTimeout(this.idle);
    this.idle = undefined;
    for (const { reject } of [...this.pending.values(), ...this.waiting]) reject(this.failure);
    this.pending.clear();
    this.waiting = [];
  }

  private fail(error: Error): void {
    this.settle(error);
    this.socket.destroy();
  }
}
