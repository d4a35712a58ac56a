// JSON from files and inputs, checked strictly before use: syntax errors and duplicate keys (which
// JSON.parse silently resolves to the last one, so a reviewer reads one value and AWS gets another)
// are reported by file, line and column. The text itself is never quoted back: the input may be a
// file that is not ours (`--images /etc/passwd`), and an error message is printed and kept.
import { UserError } from './errors.js';

class JsonSyntax extends Error {
  constructor(
    readonly what: string,
    readonly at: number,
  ) {
    super(what);
  }
}

const LITERAL = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/** Walks the text as the JSON grammar does; throws JsonSyntax at the first problem. */
class Checker {
  private i = 0;
  constructor(private readonly s: string) {}

  run(): void {
    this.value();
    this.ws();
    if (this.i < this.s.length) throw new JsonSyntax('unexpected text after the JSON value', this.i);
  }

  private ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i])) this.i++;
  }

  private value(): void {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') this.object();
    else if (c === '[') this.array();
    else if (c === '"') this.string();
    else this.literal(c);
  }

  private literal(c: string | undefined): void {
    LITERAL.lastIndex = this.i;
    const lit = LITERAL.exec(this.s);
    if (!lit) {
      throw new JsonSyntax(c === undefined ? 'unexpected end of the text' : 'expected a JSON value', this.i);
    }
    this.i += lit[0].length;
  }

  private string(): string {
    const start = this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '"') {
        this.i++;
        return JSON.parse(this.s.slice(start, this.i)) as string;
      }
      if (c === '\\') {
        ESCAPE.lastIndex = this.i;
        if (!ESCAPE.test(this.s)) throw new JsonSyntax('invalid escape in a string', this.i);
        this.i += this.s[this.i + 1] === 'u' ? 6 : 2;
        continue;
      }
      if (c < ' ') throw new JsonSyntax('control character in a string', this.i);
      this.i++;
    }
    throw new JsonSyntax('unterminated string', start);
  }

  private object(): void {
    this.i++;
    const keys = new Set<string>();
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') throw new JsonSyntax('expected a double-quoted property name', this.i);
      const at = this.i;
      const key = this.string();
      if (keys.has(key)) {
        const shown = /^[\w.-]{1,64}$/.test(key) ? ` "${key}"` : '';
        throw new JsonSyntax(`duplicate key${shown} (JSON keeps only the last one)`, at);
      }
      keys.add(key);
      this.ws();
      if (this.s[this.i] !== ':') throw new JsonSyntax("expected ':' after a property name", this.i);
      this.i++;
      this.value();
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return;
      if (c !== ',') throw new JsonSyntax("expected ',' or '}'", this.i - 1);
    }
  }

  private array(): void {
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.value();
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return;
      if (c !== ',') throw new JsonSyntax("expected ',' or ']'", this.i - 1);
    }
  }
}

/** Line and column (1-based) of an offset. */
function position(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}

export interface StrictJsonOptions {
  /** The file the text was read from: errors point at file:line:column. */
  file?: string;
  /** Otherwise the input that held the text: errors name it. */
  input?: string;
  fix: string;
}

/** Parses JSON text; syntax errors and duplicate keys become a UserError naming the place, not the text. */
export function parseStrictJson(text: string, opts: StrictJsonOptions): unknown {
  const body = text.replace(/^\uFEFF/, '');
  try {
    new Checker(body).run();
  } catch (err) {
    if (!(err instanceof JsonSyntax)) throw err;
    const { line, column } = position(body, err.at);
    if (opts.file)
      throw new UserError(`not valid JSON: ${err.what}`, `${opts.file}:${line}:${column}`, opts.fix);
    throw new UserError(
      `input "${opts.input}" is not valid JSON: ${err.what} at line ${line}, column ${column}`,
      opts.input,
      opts.fix,
    );
  }
  return JSON.parse(body);
}
