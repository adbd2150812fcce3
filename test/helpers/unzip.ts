/**
 * A small zip reader for tests: it walks the end record and the central directory as PKWARE's APPNOTE lays them
 * out, checks each local header against its central entry, inflates, and checks sizes and CRC-32. Anything a
 * strict reader (Excel, Python's zipfile) would refuse throws.
 */
import { crc32, inflateRawSync } from 'node:zlib';

export type ZipEntry = { name: string; method: number; flags: number; data: Buffer };

export function unzip(zip: Buffer): Map<string, ZipEntry> {
  const endAt = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0 || endAt + 22 > zip.length) throw new Error('no end of central directory record');
  const count = zip.readUInt16LE(endAt + 10);
  if (zip.readUInt16LE(endAt + 8) !== count) throw new Error('entry counts disagree');
  const size = zip.readUInt32LE(endAt + 12);
  let at = zip.readUInt32LE(endAt + 16);
  if (at + size !== endAt) throw new Error('the central directory does not end where the end record begins');
  const out = new Map<string, ZipEntry>();
  for (let k = 0; k < count; k++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`central entry ${k}: bad signature`);
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const packed = zip.readUInt32LE(at + 20);
    const plain = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + nameLength + extra + comment;
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`${name}: bad local header signature`);
    if (
      zip.readUInt32LE(local + 14) !== crc ||
      zip.readUInt32LE(local + 18) !== packed ||
      zip.readUInt32LE(local + 22) !== plain ||
      zip.readUInt16LE(local + 26) !== nameLength
    )
      throw new Error(`${name}: the local header disagrees with the central directory`);
    const start = local + 30 + nameLength + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + packed);
    const data = method === 8 ? inflateRawSync(raw) : method === 0 ? Buffer.from(raw) : null;
    if (data === null) throw new Error(`${name}: compression method ${method}`);
    if (data.length !== plain) throw new Error(`${name}: ${data.length} bytes, the header says ${plain}`);
    if (crc32(data) >>> 0 !== crc) throw new Error(`${name}: CRC-32 mismatch`);
    if (out.has(name)) throw new Error(`${name}: twice in the archive`);
    out.set(name, { name, method, flags, data });
  }
  return out;
}
