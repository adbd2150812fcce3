/** Text helpers shared by the unit reader and the number scanner. */

/** Full-width forms to ASCII (`１，２３４．５％`), the other spaces to a space, typographic minus to `-`. */
export function normaliseWidth(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000 || c === 0xa0 || c === 0x2007 || c === 0x2009 || c === 0x202f || c === 0x09)
      out += ' ';
    else if (c === 0x200b || c === 0xfeff) continue;
    else if (c === 0xffe5) out += '¥';
    else if (c === 0x2212) out += '-';
    else if (c === 0xfe6a) out += '%';
    else out += s[i];
  }
  return out;
}

export function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7e) return true;
  return false;
}

/** `v` x 10^k computed on the decimal digits, so 0.1735 x 10^2 is exactly 17.35 and 1092.47 x 10^-1 is 109.247. */
export function shiftDecimal(v: number, k: number): number {
  if (k === 0 || v === 0 || !Number.isFinite(v)) return v;
  const s = String(v);
  const e = s.indexOf('e');
  return e < 0 ? Number(`${s}e${k}`) : Number(`${s.slice(0, e)}e${Number(s.slice(e + 1)) + k}`);
}
