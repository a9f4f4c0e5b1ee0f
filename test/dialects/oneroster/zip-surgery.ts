// Damages a zip the way a broken client, a bad disk or an attacker would: bytes flipped in an
// entry's compressed data, sizes and compression methods that lie, headers cut short. It reads
// the central directory itself so each change lands exactly where it is meant to.

export interface ZipEntryLayout {
  name: string;
  /** Where the entry's central directory header starts. */
  central: number;
  /** Where its local file header starts. */
  local: number;
  /** Where its file data starts (after the local header's name and extra field). */
  data: number;
  compressedSize: number;
  uncompressedSize: number;
  method: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;

export function zipLayout(zip: Buffer): ZipEntryLayout[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--)
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new Error('not a zip: no end of central directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntryLayout[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== CENTRAL) throw new Error(`no central header at ${at}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      central: at,
      local,
      data: local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28),
      compressedSize: zip.readUInt32LE(at + 20),
      uncompressedSize: zip.readUInt32LE(at + 24),
      method: zip.readUInt16LE(at + 10),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function entry(zip: Buffer, name: string): ZipEntryLayout {
  const e = zipLayout(zip).find((x) => x.name === name);
  if (!e) throw new Error(`${name} is not in the zip`);
  return e;
}

/** A copy of the zip with `fn` applied to it. */
function edited(zip: Buffer, fn: (copy: Buffer) => void): Buffer {
  const copy = Buffer.from(zip);
  fn(copy);
  return copy;
}

/** XORs the byte at `offset` within the entry's (compressed) data with `mask`. */
export function flipDataByte(zip: Buffer, name: string, offset: number, mask = 0xff): Buffer {
  const e = entry(zip, name);
  return edited(zip, (z) => {
    z[e.data + (offset % Math.max(1, e.compressedSize))]! ^= mask;
  });
}

/** Overwrites the sizes the central directory (and, with `local`, the local header) declares. */
export function setSizes(zip: Buffer, name: string, sizes: { compressed?: number; uncompressed?: number }, local = false): Buffer {
  const e = entry(zip, name);
  return edited(zip, (z) => {
    if (sizes.compressed !== undefined) z.writeUInt32LE(sizes.compressed >>> 0, e.central + 20);
    if (sizes.uncompressed !== undefined) z.writeUInt32LE(sizes.uncompressed >>> 0, e.central + 24);
    if (local) {
      if (sizes.compressed !== undefined) z.writeUInt32LE(sizes.compressed >>> 0, e.local + 18);
      if (sizes.uncompressed !== undefined) z.writeUInt32LE(sizes.uncompressed >>> 0, e.local + 22);
    }
  });
}

/** Declares another compression method in both headers (the data stays as it is). */
export function setMethod(zip: Buffer, name: string, method: number): Buffer {
  const e = entry(zip, name);
  return edited(zip, (z) => {
    z.writeUInt16LE(method, e.central + 10);
    z.writeUInt16LE(method, e.local + 8);
  });
}

/** Changes the local header's file-name length, so the data seems to start elsewhere. */
export function setLocalNameLength(zip: Buffer, name: string, length: number): Buffer {
  const e = entry(zip, name);
  return edited(zip, (z) => z.writeUInt16LE(length & 0xffff, e.local + 26));
}

/** Points the central directory at another local header offset. */
export function setLocalOffset(zip: Buffer, name: string, offset: number): Buffer {
  const e = entry(zip, name);
  return edited(zip, (z) => z.writeUInt32LE(offset >>> 0, e.central + 42));
}
