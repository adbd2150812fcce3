/** Terminal width of a string: CJK and full-width characters take two columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w +=
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6)
        ? 2
        : 1;
  }
  return w;
}

/** Pads to a display width, on the left when `right` aligns the text to the right. */
export function padDisplay(s: string, width: number, right = false): string {
  const pad = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return right ? pad + s : s + pad;
}

/** A plain-text table: columns as wide as their widest cell (in display width), `right` the right-aligned ones. */
export function renderTable(head: string[], rows: string[][], right: (column: number) => boolean): string {
  const widths = head.map((h, k) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[k] ?? ''))));
  const line = (r: string[]) =>
    r
      .map((c, k) => padDisplay(c, widths[k]!, right(k)))
      .join('  ')
      .trimEnd();
  return [head, ...rows].map(line).join('\n');
}

/**
 * A person's text on one line of a terminal table, shown and never acted on: a line break as `⏎`, and the
 * characters a terminal would act on (control codes, which can move the cursor or recolour the screen, and the
 * bidirectional overrides, which can reorder what is read) as `\u{…}`. Everything else is shown as typed.
 */
export function oneLine(s: string): string {
  return s
    .replace(/\r\n|\r|\n/g, ' ⏎ ')
    .replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}
