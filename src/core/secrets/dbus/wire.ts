/**
 * The D-Bus wire format, little-endian, for the types the Secret Service listing exchanges:
 * y u i b s o g, arrays, structs, dict entries and variants. Values in JavaScript:
 * y/u/i → number, b → boolean, s/o/g → string, ay → Buffer, a{…} → Array<[key, value]>,
 * any other array → Array, (…) → Array of its fields, v → [signature, value].
 * D-Bus aligns every value to its own size, counted from the start of its message.
 * A signature is parsed once into a tree of types; reading and writing walk the tree.
 */

export type Variant = [signature: string, value: unknown];

interface Type {
  code: string;
  alignment: number;
  /** Of an array. */
  element?: Type;
  /** Of a struct or dict entry. */
  fields?: Type[];
}

const ALIGNMENT: Readonly<Record<string, number>> = { y: 1, b: 4, i: 4, u: 4, s: 4, o: 4, g: 1, a: 4, '(': 8, '{': 8, v: 1 };

/** Nested arrays, structs and variants beyond this are refused (the spec allows 32 + 32 + 64; nothing here comes close). */
const MAX_DEPTH = 32;

/** The one complete type that starts at `at.index`, which is moved past it. Throws on what is not a valid signature here. */
function parseType(signature: string, at: { index: number }, depth: number): Type {
  if (depth > MAX_DEPTH) throw new Error('D-Bus signature nested too deeply');
  const code = signature[at.index++];
  if (code === undefined || !(code in ALIGNMENT)) throw new Error(`unsupported D-Bus signature ${signature}`);
  const type: Type = { code, alignment: ALIGNMENT[code]! };
  if (code === 'a') type.element = parseType(signature, at, depth + 1);
  if (code === '(' || code === '{') {
    const close = code === '(' ? ')' : '}';
    type.fields = [];
    while (signature[at.index] !== close) {
      if (at.index >= signature.length) throw new Error(`unterminated D-Bus signature ${signature}`);
      type.fields.push(parseType(signature, at, depth + 1));
    }
    at.index += 1;
    // An empty struct has no size: an array of them would never end.
    if (type.fields.length === 0 || (code === '{' && type.fields.length !== 2)) throw new Error(`invalid D-Bus signature ${signature}`);
  }
  return type;
}

const parsed = new Map<string, Type[]>();

/** The complete types of a signature, in order ("a{ss}ao" → two), parsed once per signature. */
function typesOf(signature: string): Type[] {
  let types = parsed.get(signature);
  if (types) return types;
  types = [];
  for (const at = { index: 0 }; at.index < signature.length; ) types.push(parseType(signature, at, 0));
  parsed.set(signature, types);
  return types;
}

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
    for (let end = this.length + padding; this.length < end; ) this.buffer[this.length++] = 0;
  }

  private uint32(value: number): void {
    this.align(4);
    this.room(4);
    this.buffer.writeUInt32LE(value, this.length);
    this.length += 4;
  }

  /** Bytes marshalled elsewhere, for the same alignment. */
  raw(bytes: Buffer): void {
    this.room(bytes.length);
    bytes.copy(this.buffer, this.length);
    this.length += bytes.length;
  }

  /** Replaces the uint32 written at `offset` (a length known only afterwards). */
  patchUint32(offset: number, value: number): void {
    this.buffer.writeUInt32LE(value, offset);
  }

  /** UTF-8 text and its terminating NUL, after its length: 4 bytes for s and o, 1 for g. */
  private text(value: string, lengthBytes: 1 | 4): void {
    if (lengthBytes === 4) this.uint32(0);
    else this.byte(0);
    const lengthAt = this.length - lengthBytes;
    this.room(value.length * 3 + 1);
    const written = this.buffer.write(value, this.length, 'utf8');
    if (lengthBytes === 4) this.buffer.writeUInt32LE(written, lengthAt);
    else this.buffer[lengthAt] = written;
    this.length += written;
    this.buffer[this.length++] = 0;
  }

  private byte(value: number): void {
    this.room(1);
    this.buffer[this.length++] = value;
  }

  /** Writes the values of a signature (several complete types) in order. */
  writeAll(signature: string, values: readonly unknown[]): this {
    typesOf(signature).forEach((type, index) => this.write(type, values[index]));
    return this;
  }

  private write(type: Type, value: unknown): void {
    switch (type.code) {
      case 'y':
        return this.byte(value as number);
      case 'b':
        return this.uint32(value ? 1 : 0);
      case 'u':
        return this.uint32(value as number);
      case 'i':
        this.align(4);
        this.room(4);
        this.buffer.writeInt32LE(value as number, this.length);
        this.length += 4;
        return;
      case 's':
      case 'o':
        return this.text(value as string, 4);
      case 'g':
        return this.text(value as string, 1);
      case 'v': {
        const [signature, inner] = value as Variant;
        const types = typesOf(signature);
        if (types.length !== 1) throw new Error(`invalid D-Bus variant signature ${signature}`);
        this.text(signature, 1);
        return this.write(types[0]!, inner);
      }
      case '(':
      case '{':
        this.align(8);
        return type.fields!.forEach((field, index) => this.write(field, (value as unknown[])[index]));
      case 'a': {
        this.uint32(0);
        const lengthAt = this.length - 4;
        const element = type.element!;
        // The padding before the first element is not counted in the array's length.
        this.align(element.alignment);
        const start = this.length;
        if (element.code === 'y') this.raw(value as Buffer);
        else for (const item of value as unknown[]) this.write(element, item);
        this.buffer.writeUInt32LE(this.length - start, lengthAt);
        return;
      }
    }
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

  align(to: number): void {
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
    return typesOf(signature).map((type) => this.read(type, 0));
  }

  /** Reads one value of a single complete type. */
  readOne(signature: string): unknown {
    const types = typesOf(signature);
    if (types.length !== 1) throw new Error(`not a single D-Bus type: ${signature}`);
    return this.read(types[0]!, 0);
  }

  /** Moves past one value of a single complete type; strings are not decoded. */
  skip(signature: string): void {
    if (signature === 's' || signature === 'o' || signature === 'g') {
      // The length is read first: it moves the offset past itself.
      const length = signature === 'g' ? (this.readOne('y') as number) : this.uint32();
      this.offset += length + 1;
    } else this.readOne(signature);
    if (this.offset > this.end) throw new RangeError('D-Bus value runs past the message');
  }

  private read(type: Type, depth: number): unknown {
    if (depth > MAX_DEPTH) throw new Error('D-Bus value nested too deeply');
    switch (type.code) {
      case 'y':
        this.need(1);
        return this.buffer[this.offset++];
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
        this.need(1);
        return this.text(this.buffer[this.offset++]!);
      case 'v': {
        this.need(1);
        const signature = this.text(this.buffer[this.offset++]!);
        const types = typesOf(signature);
        if (types.length !== 1) throw new Error(`invalid D-Bus variant signature ${signature}`);
        return [signature, this.read(types[0]!, depth + 1)] satisfies Variant;
      }
      case '(':
      case '{':
        this.align(8);
        return type.fields!.map((field) => this.read(field, depth + 1));
      default: {
        // 'a': the only code left.
        const length = this.uint32();
        const element = type.element!;
        this.align(element.alignment);
        const end = this.offset + length;
        if (end > this.end) throw new RangeError('D-Bus array runs past the message');
        if (element.code === 'y') {
          const bytes = Buffer.from(this.buffer.subarray(this.offset, end));
          this.offset = end;
          return bytes;
        }
        const items: unknown[] = [];
        while (this.offset < end) items.push(this.read(element, depth + 1));
        if (this.offset !== end) throw new Error('D-Bus array length does not match its elements');
        return items;
      }
    }
  }
}
