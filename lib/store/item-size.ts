/** DynamoDB's hard limit on one item, names and values together. */
export const MAX_ITEM_BYTES = 400 * 1024;

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

// DynamoDB stores numbers as up to 38 significant digits, about one byte per two digits plus one.
function numberBytes(n: number): number {
  const digits = String(Math.abs(n)).replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').length;
  return Math.ceil(Math.max(digits, 1) / 2) + 1;
}

/** Size of one attribute value as DynamoDB counts it (strings in UTF-8, maps and lists with their overhead). */
export function valueBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') return numberBytes(value);
  if (typeof value === 'bigint') return numberBytes(Number(value));
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) {
    let total = 0;
    for (const member of value) total += valueBytes(member);
    return total;
  }
  if (Array.isArray(value)) {
    return 3 + value.reduce<number>((total, member) => total + 1 + valueBytes(member), 0);
  }
  if (typeof value === 'object') {
    let total = 3;
    for (const [name, member] of Object.entries(value)) {
      if (member !== undefined) total += 1 + utf8(name) + valueBytes(member);
    }
    return total;
  }
  return utf8(String(value));
}

/** Size of a whole item: each top-level attribute name plus its value. */
export function itemBytes(item: Record<string, unknown>): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined) total += utf8(name) + valueBytes(value);
  }
  return total;
}
