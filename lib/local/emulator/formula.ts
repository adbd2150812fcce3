/**
 * Just enough of a formula engine to produce realistic effective values: arithmetic (+ - * / ^, unary minus,
 * postfix %), parentheses, numbers, strings, TRUE/FALSE, cell references (`B2`, `Sheet1!B2`, `'My Sheet'!B2`)
 * SUM over references and ranges, and NA(). `=1/0` gives #DIV/0!, `=NA()` #N/A, an unknown function #NAME?, a syntax error #ERROR!,
 * so tests can put formula errors in front of the reader. Anything richer is stored and reads back as #NAME?.
 */
import { columnIndex } from './a1';
import type { ErrorType, ExtendedValue } from './cells';

export type Scalar = number | string | boolean | { error: ErrorType; message: string };

/** Looks up a cell's effective value: sheet undefined means the formula's own sheet. */
export type Lookup = (sheet: string | undefined, row: number, col: number) => ExtendedValue | undefined;

class FormulaError {
  constructor(
    readonly type: ErrorType,
    readonly message: string,
  ) {}
}

type Token =
  | { k: 'num'; v: number }
  | { k: 'str'; v: string }
  | { k: 'ref'; sheet: string | undefined; row: number; col: number }
  | { k: 'id'; v: string }
  | { k: 'op'; v: string };

const REF = /^(?:('(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_]*)!)?\$?([A-Za-z]{1,3})\$?(\d+)/;

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === ' ') {
      i++;
      continue;
    }
    const rest = src.slice(i);
    const num = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(rest);
    if (num) {
      out.push({ k: 'num', v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    if (ch === '"') {
      const end = src.indexOf('"', i + 1);
      if (end < 0) throw new FormulaError('ERROR', 'Formula parse error.');
      out.push({ k: 'str', v: src.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const ref = REF.exec(rest);
    if (ref && !/^[A-Za-z0-9_(]/.test(rest.slice(ref[0].length))) {
      const rawSheet = ref[1];
      const sheet = rawSheet?.startsWith("'") ? rawSheet.slice(1, -1).replaceAll("''", "'") : rawSheet;
      out.push({ k: 'ref', sheet, row: Number(ref[3]) - 1, col: columnIndex(ref[2]!) });
      i += ref[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest);
    if (id) {
      out.push({ k: 'id', v: id[0].toUpperCase() });
      i += id[0].length;
      continue;
    }
    if ('+-*/^%(),:&'.includes(ch)) {
      out.push({ k: 'op', v: ch });
      i++;
      continue;
    }
    throw new FormulaError('ERROR', 'Formula parse error.');
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly lookup: Lookup,
  ) {}

  run(): Scalar {
    const v = this.expr();
    if (this.i < this.tokens.length) throw new FormulaError('ERROR', 'Formula parse error.');
    return v;
  }

  private peekOp(...ops: string[]): string | undefined {
    const t = this.tokens[this.i];
    return t?.k === 'op' && ops.includes(t.v) ? t.v : undefined;
  }

  private expr(): Scalar {
    let left = this.term();
    for (let op = this.peekOp('+', '-', '&'); op; op = this.peekOp('+', '-', '&')) {
      this.i++;
      const right = this.term();
      if (op === '&') left = text(left) + text(right);
      else left = op === '+' ? num(left) + num(right) : num(left) - num(right);
    }
    return left;
  }

  private term(): Scalar {
    let left = this.power();
    for (let op = this.peekOp('*', '/'); op; op = this.peekOp('*', '/')) {
      this.i++;
      const right = num(this.power());
      const l = num(left);
      if (op === '/' && right === 0)
        throw new FormulaError('DIVIDE_BY_ZERO', 'Function DIVIDE parameter 2 cannot be zero.');
      left = op === '*' ? l * right : l / right;
    }
    return left;
  }

  private power(): Scalar {
    const base = this.unary();
    if (!this.peekOp('^')) return base;
    this.i++;
    return num(base) ** num(this.power());
  }

  private unary(): Scalar {
    const op = this.peekOp('-', '+');
    if (op) {
      this.i++;
      const v = num(this.unary());
      return op === '-' ? -v : v;
    }
    let v = this.primary();
    while (this.peekOp('%')) {
      this.i++;
      v = num(v) / 100;
    }
    return v;
  }

  private primary(): Scalar {
    const t = this.tokens[this.i++];
    if (!t) throw new FormulaError('ERROR', 'Formula parse error.');
    if (t.k === 'num' || t.k === 'str') return t.v;
    if (t.k === 'ref') return scalarOf(this.lookup(t.sheet, t.row, t.col));
    if (t.k === 'op' && t.v === '(') {
      const v = this.expr();
      if (!this.peekOp(')')) throw new FormulaError('ERROR', 'Formula parse error.');
      this.i++;
      return v;
    }
    if (t.k === 'id') {
      if (t.v === 'TRUE' || t.v === 'FALSE') {
        const next = this.tokens[this.i + 1];
        if (this.peekOp('(') && next?.k === 'op' && next.v === ')') this.i += 2;
        return t.v === 'TRUE';
      }
      if (!this.peekOp('(')) throw new FormulaError('NAME', `Unknown range name: '${t.v}'.`);
      this.i++;
      const args = this.args();
      if (t.v === 'SUM') return args.flat().reduce<number>((s, x) => s + (typeof x === 'number' ? x : 0), 0);
      // NA() is how a sheet marks "no value" on purpose; lookups that find nothing give the same error.
      if (t.v === 'NA' && args.length === 0) throw new FormulaError('N_A', 'Value not available.');
      throw new FormulaError('NAME', `Unknown function: '${t.v.toLowerCase()}'.`);
    }
    throw new FormulaError('ERROR', 'Formula parse error.');
  }

  /** Arguments of a function: expressions or `A1:B2` ranges, flattened to scalars for SUM. */
  private args(): Scalar[][] {
    const out: Scalar[][] = [];
    if (this.peekOp(')')) {
      this.i++;
      return out;
    }
    for (;;) {
      const a = this.tokens[this.i];
      const colon = this.tokens[this.i + 1];
      const b = this.tokens[this.i + 2];
      if (a?.k === 'ref' && colon?.k === 'op' && colon.v === ':' && b?.k === 'ref') {
        this.i += 3;
        const cells: Scalar[] = [];
        for (let r = Math.min(a.row, b.row); r <= Math.max(a.row, b.row); r++) {
          for (let c = Math.min(a.col, b.col); c <= Math.max(a.col, b.col); c++) {
            const v = this.lookup(a.sheet, r, c);
            if (v) cells.push(scalarOf(v));
          }
        }
        out.push(cells);
      } else out.push([num(this.expr())]);
      if (this.peekOp(',')) {
        this.i++;
        continue;
      }
      if (this.peekOp(')')) {
        this.i++;
        return out;
      }
      throw new FormulaError('ERROR', 'Formula parse error.');
    }
  }
}

function scalarOf(v: ExtendedValue | undefined): Scalar {
  if (!v) return 0;
  if ('numberValue' in v) return v.numberValue;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('errorValue' in v) throw new FormulaError(v.errorValue.type, v.errorValue.message);
  return 0;
}

function num(v: Scalar): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    if (v === '') return 0;
    const n = Number(v);
    if (Number.isFinite(n) && v.trim() !== '') return n;
    throw new FormulaError(
      'VALUE',
      `Function ADD parameter expects number values. But '${v}' is a text and cannot be coerced to a number.`,
    );
  }
  throw new FormulaError(v.error, v.message);
}

function text(v: Scalar): string {
  if (typeof v === 'object') throw new FormulaError(v.error, v.message);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return String(v);
}

/** Evaluates `=...` to an effective value; never throws. */
export function evaluate(formula: string, lookup: Lookup): ExtendedValue {
  try {
    const v = new Parser(tokenize(formula.replace(/^=/, '')), lookup).run();
    if (typeof v === 'number') {
      if (!Number.isFinite(v))
        return { errorValue: { type: 'NUM', message: 'Result is not a finite number.' } };
      return { numberValue: v };
    }
    if (typeof v === 'boolean') return { boolValue: v };
    if (typeof v === 'string') return { stringValue: v };
    return { errorValue: { type: v.error, message: v.message } };
  } catch (e) {
    if (e instanceof FormulaError) return { errorValue: { type: e.type, message: e.message } };
    throw e;
  }
}

export { FormulaError };
