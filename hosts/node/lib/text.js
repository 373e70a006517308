'use strict';
// Turning the plugin's answer (UTF-8 bytes, seen in place through koffi.view)
// into JavaScript values in slices, so that a large answer does not hold the
// event loop: the first publish of a 20,000-piece course hands back ~9 MB of
// JSON, whose one-go decode and JSON.parse each take longer than the whole
// stall budget.
//
// Below SMALL bytes an answer is decoded and parsed in one go. A larger JSON
// answer is walked: an object or array member by member, and every member
// shorter than CHUNK bytes is decoded and given to JSON.parse on its own; a
// longer one is walked the same way. A larger text (a review as HTML or CSV)
// is decoded CHUNK bytes at a time, cut between characters. Between slices the
// walk yields to the event loop whenever it has run for BUDGET_MS.
// parseJsonBytes(b) equals JSON.parse(b.toString()).

const SMALL = 64 * 1024;
const CHUNK = 16 * 1024;
const BUDGET_MS = 4;

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a;
const OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d, OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d;

function isSpace(c) {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Yields to the event loop once a slice has run BUDGET_MS. */
class Slicer {
  constructor() {
    this.ends = performance.now() + BUDGET_MS;
  }

  async maybeYield() {
    if (performance.now() < this.ends) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.ends = performance.now() + BUDGET_MS;
  }
}

class SlicedParser {
  constructor(bytes) {
    this.bytes = bytes;
    this.slicer = new Slicer();
  }

  fail(at, what) {
    throw new SyntaxError(`JSON at byte ${at}: ${what}`);
  }

  space(i) {
    const b = this.bytes;
    while (i < b.length && isSpace(b[i])) i++;
    return i;
  }

  parseSlice(start, end) {
    return JSON.parse(this.bytes.toString('utf8', start, end));
  }

  // The end of the value starting at i, or -1 when it runs past i + limit.
  // Only finds the extent; JSON.parse checks the value itself.
  extent(i, limit) {
    const b = this.bytes;
    const stop = Math.min(b.length, i + limit);
    let depth = 0;
    let inString = false;
    for (let j = i; j < stop; j++) {
      const c = b[j];
      if (inString) {
        if (c === BACKSLASH) j++;
        else if (c === QUOTE) {
          inString = false;
          if (depth === 0) return j + 1;
        }
      } else if (c === QUOTE) {
        inString = true;
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        depth++;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (depth === 0) return j; // a number or literal ended by its container's end
        if (--depth === 0) return j + 1;
      } else if (depth === 0 && (c === COMMA || isSpace(c))) {
        return j; // a number or literal ended
      }
    }
    if (stop === b.length && depth === 0 && !inString) return stop; // a number or literal at the very end
    return -1;
  }

  // The value starting at i: [value, index after it].
  async value(i) {
    const end = this.extent(i, CHUNK);
    if (end >= 0) return [this.parseSlice(i, end), end];
    const c = this.bytes[i];
    if (c === OPEN_OBJECT) return this.container(i, true);
    if (c === OPEN_ARRAY) return this.container(i, false);
    const whole = this.extent(i, Infinity); // a string longer than CHUNK
    if (whole < 0) this.fail(i, 'unterminated value');
    return [this.parseSlice(i, whole), whole];
  }

  // The array elements starting at i that together fit in CHUNK bytes,
  // parsed in one JSON.parse: [elements, index after the last], or null when
  // the first is larger. (One call per element costs a call and a temporary
  // string each: 60,000 of them for a first publish's changes.)
  smallRun(i) {
    const b = this.bytes;
    let end = this.extent(i, CHUNK);
    if (end < 0) return null;
    for (;;) {
      const j = this.space(end);
      if (b[j] !== COMMA) break;
      const next = this.space(j + 1);
      const room = CHUNK - (next - i);
      if (room <= 0) break;
      const e = this.extent(next, room);
      if (e < 0) break;
      end = e;
    }
    return [JSON.parse('[' + b.toString('utf8', i, end) + ']'), end];
  }

  async container(i, isObject) {
    const b = this.bytes;
    const close = isObject ? CLOSE_OBJECT : CLOSE_ARRAY;
    const result = isObject ? {} : [];
    i = this.space(i + 1);
    if (b[i] === close) return [result, i + 1];
    for (;;) {
      let key;
      if (isObject) {
        if (b[i] !== QUOTE) this.fail(i, 'expected a member name');
        const keyEnd = this.extent(i, Infinity);
        if (keyEnd < 0) this.fail(i, 'unterminated member name');
        key = this.parseSlice(i, keyEnd);
        i = this.space(keyEnd);
        if (b[i] !== COLON) this.fail(i, "expected ':'");
        i = this.space(i + 1);
      }
      if (!isObject) {
        const run = this.smallRun(i);
        if (run) {
          for (const element of run[0]) result.push(element);
          i = this.space(run[1]);
          if (b[i] === close) return [result, i + 1];
          if (b[i] !== COMMA) this.fail(i, "expected ',' or ']'");
          i = this.space(i + 1);
          await this.slicer.maybeYield();
          continue;
        }
      }
      const [member, after] = await this.value(i);
      if (!isObject) result.push(member);
      else if (key === '__proto__') Object.defineProperty(result, key, { value: member, writable: true, enumerable: true, configurable: true });
      else result[key] = member;
      i = this.space(after);
      const c = b[i];
      if (c === close) return [result, i + 1];
      if (c !== COMMA) this.fail(i, `expected ',' or '${isObject ? '}' : ']'}'`);
      i = this.space(i + 1);
      await this.slicer.maybeYield();
    }
  }

  async parse() {
    const [value, end] = await this.value(this.space(0));
    if (this.space(end) !== this.bytes.length) this.fail(end, 'unexpected text after the value');
    return value;
  }
}

/** JSON.parse of UTF-8 bytes (a Buffer), in slices when they are many. */
async function parseJsonBytes(bytes) {
  if (bytes.length < SMALL) return JSON.parse(bytes.toString('utf8'));
  return new SlicedParser(bytes).parse();
}

/** The text of UTF-8 bytes (a Buffer), decoded in slices when they are many. */
async function decodeBytes(bytes) {
  if (bytes.length < SMALL) return bytes.toString('utf8');
  const slicer = new Slicer();
  let text = ''; // joined by + (a rope): flattened later, when it is read
  for (let start = 0; start < bytes.length;) {
    let end = Math.min(bytes.length, start + CHUNK);
    while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--; // not inside a character
    text += bytes.toString('utf8', start, end);
    start = end;
    await slicer.maybeYield();
  }
  return text;
}

module.exports = { parseJsonBytes, decodeBytes, SMALL, CHUNK };
