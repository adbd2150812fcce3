/** A1 references as people read them in feedback: `Form!D7`, `'Central data'!B2:B9`, `Form!3:5`. */

/** Column letters of a 0-based column index: 0 is A, 26 is AA. */
export function columnLetters(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** A tab title as A1 notation wants it: bare when it is a plain word, else in single quotes with `''` inside. */
export function quoteTab(title: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(title) && !/^[A-Za-z]{1,3}\d+$/.test(title)) return title;
  return `'${title.replaceAll("'", "''")}'`;
}

/** `Form!D7` for 0-based row and column. */
export function cellA1(tab: string, row: number, col: number): string {
  return `${quoteTab(tab)}!${columnLetters(col)}${row + 1}`;
}

/** `Form!3:5` (or `Form!3:3`) for 0-based rows, inclusive. */
export function rowsA1(tab: string, first: number, last: number): string {
  return `${quoteTab(tab)}!${first + 1}:${last + 1}`;
}

/** `Form!F:F` for a 0-based column. */
export function columnA1(tab: string, col: number): string {
  const letters = columnLetters(col);
  return `${quoteTab(tab)}!${letters}:${letters}`;
}
