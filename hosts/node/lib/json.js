'use strict';
// JSON.parse in slices, so that a large answer (the publish of a 20,000-piece
// course hands back ~10 MB of changes) does not hold the event loop for the
// 100 ms one JSON.parse of it takes.
//
// A text below SMALL is parsed in one go. A larger one is walked: an object or
// array is taken member by member, and every member whose text is short
// (below CHUNK) goes to JSON.parse on its own; one that is not is walked the
// same way. Between members the parser yields to the event loop whenever it has
// run for BUDGET_MS. The result equals JSON.parse(text).

const SMALL = 256 * 1024;
const CHUNK = 64 * 1024;
const BUDGET_MS = 4;

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a;
const OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d, OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d;

function isSpace(c) {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

class SlicedParser {
  constructor(text) {
    this.text = text;
    this.sliceEnds = 0;
  }

  fail(at, what) {
    throw new SyntaxError(`JSON at position ${at}: ${what}`);
  }

  space(i) {
    const t = this.text;
    while (i < t.length && isSpace(t.charCodeAt(i))) i++;
    return i;
  }

  // The end of the value starting at i, or -1 when it runs past i + limit.
  // Only finds the extent; JSON.parse checks the value itself.
  extent(i, limit) {
    const t = this.text;
    const stop = Math.min(t.length, i + limit);
    let depth = 0;
    let inString = false;
    for (let j = i; j < stop; j++) {
      const c = t.charCodeAt(j);
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
        if (depth === 0) return j; // the end of a number or literal inside its container
        if (--depth === 0) return j + 1;
      } else if (depth === 0 && (c === COMMA || isSpace(c))) {
        return j; // a number or literal ended
      }
    }
    if (stop === t.length && depth === 0 && !inString) return stop; // a number or literal at the very end
    return -1;
  }

  async yieldSometimes() {
    if (performance.now() < this.sliceEnds) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.sliceEnds = performance.now() + BUDGET_MS;
  }

  // The value starting at i: [value, index after it].
  async value(i) {
    const end = this.extent(i, CHUNK);
    if (end >= 0) return [JSON.parse(this.text.slice(i, end)), end];
    const c = this.text.charCodeAt(i);
    if (c === OPEN_OBJECT) return this.container(i, true);
    if (c === OPEN_ARRAY) return this.container(i, false);
    const whole = this.extent(i, Infinity); // a string longer than CHUNK
    if (whole < 0) this.fail(i, 'unterminated value');
    return [JSON.parse(this.text.slice(i, whole)), whole];
  }

  async container(i, isObject) {
    const t = this.text;
    const close = isObject ? CLOSE_OBJECT : CLOSE_ARRAY;
    const result = isObject ? {} : [];
    i = this.space(i + 1);
    if (t.charCodeAt(i) === close) return [result, i + 1];
    for (;;) {
      let key;
      if (isObject) {
        if (t.charCodeAt(i) !== QUOTE) this.fail(i, 'expected a member name');
        const keyEnd = this.extent(i, Infinity);
        key = JSON.parse(t.slice(i, keyEnd));
        i = this.space(keyEnd);
        if (t.charCodeAt(i) !== COLON) this.fail(i, "expected ':'");
        i = this.space(i + 1);
      }
      const [member, after] = await this.value(i);
      if (!isObject) result.push(member);
      else if (key === '__proto__') Object.defineProperty(result, key, { value: member, writable: true, enumerable: true, configurable: true });
      else result[key] = member;
      i = this.space(after);
      const c = t.charCodeAt(i);
      if (c === close) return [result, i + 1];
      if (c !== COMMA) this.fail(i, `expected ',' or '${isObject ? '}' : ']'}'`);
      i = this.space(i + 1);
      await this.yieldSometimes();
    }
  }

  async parse() {
    this.sliceEnds = performance.now() + BUDGET_MS;
    const start = this.space(0);
    const [value, end] = await this.value(start);
    if (this.space(end) !== this.text.length) this.fail(end, 'unexpected text after the value');
    return value;
  }
}

/** JSON.parse(text), in slices when the text is large. */
async function parseJson(text) {
  if (text.length < SMALL) return JSON.parse(text);
  return new SlicedParser(text).parse();
}

module.exports = { parseJson, SMALL, CHUNK };
