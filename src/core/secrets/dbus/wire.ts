/**
 * The D-Bus wire format, little-endian, for the types the Secret Service listing exchanges:
 * y u i b s o g, arrays, structs, dict entries and variants. Values in JavaScript:
 * y/u/i → number, b → boolean, s/o/g → string, ay → Buffer, a{…} → Array<[key, value]>,
 * any other array → Array, (…) → Array of its fields, v → [signature, value].
 * D-Bus aligns every value to its own size, counted from the start of its message.
 */

const ALIGNMENT: Readonly<Record<string, number>> = { y: 1, b: 4, i: 4, u: 4, s: 4, o: 4, g: 1, a: 4, '(': 8, '{': 8, v: 1 };

/** Nested arrays, structs and variants beyond this are refused (the spec allows 32 + 32 + 64; nothing here comes close). */
const MAX_DEPTH = 32;

export type Variant = [signature: string, value: unknown];

/** Where the one complete type that starts at `start` ends. Throws on what is not a valid signature here. */
function typeEnd(signature: string, start: number, depth = 0): number {
  if (depth > MAX_DEPTH) throw new Error('D-Bus signature nested too deeply');
  const code = signature[start];
  if (code === 'a') return typeEnd(signature, start + 1, depth + 1);
  if (code === '(' || code === '{') {
    const close = code === '(' ? ')' : '}';
    let end = start + 1;
    let fields = 0;
    while (signature[end] !== close) {
      if (end >= signature.length) throw new Error(`unterminated D-Bus signature ${signature}`);
      end = typeEnd(signature, end, depth + 1);
      fields += 1;
    }
    // An empty struct has no size: an array of them would never end.
    if (fields === 0 || (code === '{' && fields !== 2)) throw new Error(`invalid D-Bus signature ${signature}`);
    return end + 1;
  }
  if (code === undefined || !(code in ALIGNMENT)) throw new Error(`unsupported D-Bus type in signature ${signature}`);
  return start + 1;
}

const parsed = new Map<string, string[]>();

/** The complete types of a signature, in order: "a{ss}ao" → ["a{ss}", "ao"] (parsed once per signature). */
export function typesOf(signature: string): string[] {
  let types = parsed.get(signature);
  if (types) return types;
  types = [];
  for (let start = 0; start < signature.length; ) {
    const end = typeEnd(signature, start);
    types.push(signature.slice(start, end));
    start = end;
  }
  parsed.set(signature, types);
  return types;
}

const fieldsOf = (container: string) => typesOf(container.slice(1, -1));

/**
 * Writes messages one after the other into one growing buffer (a batch is one socket write).
 * Alignment counts from the start of the current message (`startMessage`).
 */
export class Writer {
  private buffer: Buffer = Buffer.alloc(1024);
  private base = 0;
  length = 0;

  startMessage(): void {
    this.base = this.length;
  }

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const bigger = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }

  align(to: number): void {
    const padding = (to - ((this.length - this.base) % to)) % to;
    this.room(padding);
    this.buffer.fill(0, this.length, this.length + padding);
    this.length += padding;
  }

  private uint32(value: number): void {
    this.align(4);
    this.room(4);
    this.buffer.writeUInt32LE(value, this.length);
    this.length += 4;
  }

  /** Replaces the uint32 written at `offset` (a length known only afterwards). */
  patchUint32(offset: number, value: number): void {
    this.buffer.writeUInt32LE(value, offset);
  }

  /** UTF-8 text and its terminating NUL, after a length of `lengthBytes` (4 for s and o, 1 for g). */
  private text(value: string, lengthBytes: 1 | 4): void {
    if (lengthBytes === 4) this.uint32(0);
    else this.write('y', 0);
    const lengthAt = this.length - lengthBytes;
    this.room(value.length * 3 + 1);
    const written = this.buffer.write(value, this.length, 'utf8');
    if (lengthBytes === 4) this.buffer.writeUInt32LE(written, lengthAt);
    else this.buffer[lengthAt] = written;
    this.length += written;
    this.buffer[this.length++] = 0;
  }

  /** Writes the values of a signature (several complete types) in order. */
  writeAll(signature: string, values: readonly unknown[]): this {
    typesOf(signature).forEach((type, index) => this.write(type, values[index]));
    return this;
  }

  write(type: string, value: unknown): this {
    switch (type[0]) {
      case 'y':
        this.room(1);
        this.buffer[this.length++] = value as number;
        break;
      case 'b':
        this.uint32(value ? 1 : 0);
        break;
      case 'u':
        this.uint32(value as number);
        break;
      case 'i':
        this.align(4);
        this.room(4);
        this.buffer.writeInt32LE(value as number, this.length);
        this.length += 4;
        break;
      case 's':
      case 'o':
        this.text(value as string, 4);
        break;
      case 'g':
        this.text(value as string, 1);
        break;
      case 'v': {
        const [signature, inner] = value as Variant;
        this.write('g', signature);
        this.write(signature, inner);
        break;
      }
      case '(':
      case '{': {
        this.align(8);
        const fields = fieldsOf(type);
        fields.forEach((field, index) => this.write(field, (value as unknown[])[index]));
        break;
      }
      case 'a': {
        this.uint32(0);
        const lengthAt = this.length - 4;
        const element = type.slice(1);
        // The padding before the first element is not counted in the array's length.
        this.align(ALIGNMENT[element[0]!]!);
        const start = this.length;
        if (element === 'y') {
          const bytes = value as Buffer;
          this.room(bytes.length);
          bytes.copy(this.buffer, this.length);
          this.length += bytes.length;
        } else for (const item of value as unknown[]) this.write(element, item);
        this.buffer.writeUInt32LE(this.length - start, lengthAt);
        break;
      }
      default:
        throw new Error(`cannot write D-Bus type ${type}`);
    }
    return this;
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/** Reads one message's values out of `buffer`, between `base` (where the message starts: alignment counts from there) and `end`. */
export class Reader {
  offset: number;

  constructor(
    private readonly buffer: Buffer,
    private readonly base = 0,
    private readonly end = buffer.length,
  ) {
    this.offset = base;
  }

  private align(to: number): void {
    this.offset += (to - ((this.offset - this.base) % to)) % to;
  }

  private need(bytes: number): void {
    if (this.offset + bytes > this.end) throw new RangeError('D-Bus value runs past the message');
  }

  private uint32(): number {
    this.align(4);
    this.need(4);
    const value = this.buffer.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  private text(length: number): string {
    const end = this.offset + length;
    if (end >= this.end) throw new RangeError('D-Bus string runs past the message');
    const text = this.buffer.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return text;
  }

  /** Reads the values of a signature (several complete types) in order. */
  readAll(signature: string): unknown[] {
    return typesOf(signature).map((type) => this.read(type));
  }

  read(type: string, depth = 0): unknown {
    if (depth > MAX_DEPTH) throw new Error('D-Bus value nested too deeply');
    switch (type[0]) {
      case 'y':
        this.need(1);
        return this.buffer.readUInt8(this.offset++);
      case 'b':
        return this.uint32() !== 0;
      case 'u':
        return this.uint32();
      case 'i': {
        this.align(4);
        this.need(4);
        const value = this.buffer.readInt32LE(this.offset);
        this.offset += 4;
        return value;
      }
      case 's':
      case 'o':
        return this.text(this.uint32());
      case 'g':
        return this.text(this.read('y') as number);
      case 'v': {
        const signature = this.read('g') as string;
        if (typesOf(signature).length !== 1) throw new Error(`invalid D-Bus variant signature ${signature}`);
        return [signature, this.read(signature, depth + 1)] satisfies Variant;
      }
      case '(':
      case '{':
        this.align(8);
        return fieldsOf(type).map((field) => this.read(field, depth + 1));
      case 'a': {
        const length = this.uint32();
        const element = type.slice(1);
        this.align(ALIGNMENT[element[0]!]!);
        const end = this.offset + length;
        if (end > this.end) throw new RangeError('D-Bus array runs past the message');
        if (element === 'y') {
          const bytes = Buffer.from(this.buffer.subarray(this.offset, end));
          this.offset = end;
          return bytes;
        }
        const items: unknown[] = [];
        while (this.offset < end) items.push(this.read(element, depth + 1));
        if (this.offset !== end) throw new Error('D-Bus array length does not match its elements');
        return items;
      }
      default:
        throw new Error(`cannot read D-Bus type ${type}`);
    }
  }
}
