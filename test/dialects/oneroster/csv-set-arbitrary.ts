// fast-check arbitraries for the upload fuzz: a OneRoster CSV set (valid more often than not),
// its files' bytes mutated (NUL bytes, invalid UTF-8, huge rows, stray quotes, UTF-16), zipped
// with odd entries (many, nested, macOS resource forks, stored or deflated), and the zip's bytes
// then damaged (flips in the deflate data, truncation, headers that lie about sizes and methods).
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import yazl from 'yazl';
import { manifest, SESSION_HEADER } from './csv-zip.ts';
import { flipDataByte, setLocalNameLength, setLocalOffset, setMethod, setSizes, zipLayout } from './zip-surgery.ts';

const IDS = ['sy', 'fall', 'spring', 't1', 'gp1', 'gp2', 'x-1', 'a.b'];
const DATES = ['2025-08-01', '2025-08-15', '2025-10-15', '2025-12-20', '2026-01-05', '2026-07-01', '2025-02-30', '1700-01-01', ''];

/** A row a bulk file accepts (parents are left out, so any mix of them is a valid file). */
const goodRow = fc.tuple(
  fc.constantFrom(...IDS),
  fc.constantFrom('Fall', 'Spring', 'Term 1', 'GP, "one"', 'Été', 'line\nbreak'),
  fc.constantFrom('schoolYear', 'semester', 'term', 'gradingPeriod'),
  fc.constant('2025-08-15'),
  fc.constant('2025-12-20'),
  fc.constant(''),
  fc.constant('2026'),
  fc.constantFrom('', '{"note":"x"}'),
);

const anyRow = fc.tuple(
  fc.constantFrom(...IDS),
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom('Fall', 'Spring', 'Term 1', 'GP, "one"', 'Été', 'line\nbreak') }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }),
  fc.constantFrom('schoolYear', 'semester', 'term', 'gradingPeriod', 'ext:quarter', 'quarter'),
  fc.constantFrom(...DATES),
  fc.constantFrom(...DATES),
  fc.constantFrom('', ...IDS),
  fc.constantFrom('2026', '2026', '26', ''),
  fc.constantFrom('', '{"note":"x"}', '{"a":"\\u0000"}', '{"b":"\\ud800"}', 'not json'),
);

type Row = [string, string, string, string, string, string, string, string];
const sessionRows: fc.Arbitrary<Row[]> = fc.oneof(
  { weight: 2, arbitrary: fc.uniqueArray(goodRow, { minLength: 1, maxLength: 8, selector: (r) => r[0] }) },
  { weight: 1, arbitrary: fc.array(anyRow, { maxLength: 12 }) },
);

/** The files of a CSV set, as text, before any byte is damaged. */
export const csvSet = fc
  .record({
    sessionsMode: fc.constantFrom('bulk', 'bulk', 'delta', 'absent'),
    orgsMode: fc.constantFrom('absent', 'absent', 'bulk'),
    rows: sessionRows,
    delta: fc.constantFrom('active', 'tobedeleted', ''),
  })
  .map(({ sessionsMode, orgsMode, rows, delta }) => {
    const files: Record<string, string> = { 'manifest.csv': manifest({ academicSessions: sessionsMode, orgs: orgsMode }) };
    if (sessionsMode !== 'absent') {
      const body = rows.map(([id, title, type, start, end, parent, year, extra]) =>
        sessionsMode === 'delta' ? [id, delta, '2026-01-02T00:00:00.000Z', title, type, start, end, parent, year, extra] : [id, '', '', title, type, start, end, parent, year, extra],
      );
      files['academicSessions.csv'] = `${SESSION_HEADER},metadata.extra\n${stringify(body)}`;
    }
    if (orgsMode !== 'absent') files['orgs.csv'] = 'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\nD1,,,District,district,,\nS-1,,,North,school,255901001,D1\n';
    return files;
  });

/** A change to one file's bytes. */
export type TextMutation =
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'wideRow'; columns: number }
  | { kind: 'longLine'; bytes: number }
  | { kind: 'tallField'; lines: number }
  | { kind: 'utf16' }
  | { kind: 'lineBreaks'; to: string };

const BAD_BYTES = [[0], [0, 0], [0xff], [0xc3], [0xe9], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x22], [0x2c], [0x0d], [0xef, 0xbb, 0xbf], [0xef, 0xbf, 0xbd]];

export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.constantFrom(...BAD_BYTES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wideRow' as const), columns: fc.integer({ min: 50, max: 20_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('longLine' as const), bytes: fc.integer({ min: 1000, max: 100_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tallField' as const), lines: fc.integer({ min: 100, max: 40_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'utf16' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lineBreaks' as const), to: fc.constantFrom('\r\n', '\r') }) },
);

export function mutateText(text: Buffer, m: TextMutation): Buffer {
  const at = (n: number) => (text.length === 0 ? 0 : n % (text.length + 1));
  switch (m.kind) {
    case 'insert':
      return Buffer.concat([text.subarray(0, at(m.at)), Buffer.from(m.bytes), text.subarray(at(m.at))]);
    case 'flip': {
      if (text.length === 0) return text;
      const copy = Buffer.from(text);
      copy[m.at % copy.length]! ^= m.mask;
      return copy;
    }
    case 'truncate':
      return text.subarray(0, at(m.at));
    case 'wideRow':
      return Buffer.concat([text, Buffer.from(`${'x,'.repeat(m.columns)}\n`)]);
    case 'longLine':
      return Buffer.concat([text, Buffer.from(`x,,,${'t'.repeat(m.bytes)},term,2025-08-15,2025-12-20,,2026,\n`)]);
    case 'tallField':
      return Buffer.concat([text, Buffer.from(`y,,,"${'t\n'.repeat(m.lines)}",term,2025-08-15,2025-12-20,,2026,\n`)]);
    case 'utf16':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.toString('utf8'), 'utf16le')]);
    case 'lineBreaks':
      return Buffer.from(text.toString('latin1').replaceAll('\n', m.to), 'latin1');
  }
}

/** How the set is zipped. */
export interface ZipShape {
  compress: boolean[];
  extraEntries: number;
  nested: 'none' | 'one' | 'all';
  macosx: boolean;
  duplicate: boolean;
}

export const zipShape: fc.Arbitrary<ZipShape> = fc.record({
  compress: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  extraEntries: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 60 }) }),
  nested: fc.constantFrom('none', 'none', 'none', 'none', 'one', 'all'),
  macosx: fc.boolean(),
  duplicate: fc.constantFrom(false, false, false, true),
});

/** A change to the zip's bytes. */
export type ZipMutation =
  | { kind: 'flipData'; entry: number; at: number; mask: number }
  | { kind: 'flipAny'; at: number; mask: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'sizes'; entry: number; compressed?: number; uncompressed?: number; local: boolean }
  | { kind: 'method'; entry: number; method: number }
  | { kind: 'nameLength'; entry: number; length: number }
  | { kind: 'offset'; entry: number; offset: number }
  | { kind: 'append'; bytes: number[] };

const size = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 100, max: 100_000_000 }), fc.constant(0xffffffff), fc.integer({ min: -64, max: 64 }));

export const zipMutation: fc.Arbitrary<ZipMutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('flipData' as const), entry: fc.nat(), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('flipAny' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('sizes' as const), entry: fc.nat(), compressed: fc.option(size, { nil: undefined }), uncompressed: fc.option(size, { nil: undefined }), local: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('method' as const), entry: fc.nat(), method: fc.constantFrom(0, 1, 6, 8, 9, 12, 14, 93, 99, 0xffff) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('nameLength' as const), entry: fc.nat(), length: fc.integer({ min: 0, max: 0xffff }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('offset' as const), entry: fc.nat(), offset: fc.oneof(fc.nat({ max: 2000 }), fc.constant(0xffffffff)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('append' as const), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }) }) },
);

/** The mutation applied, or the zip unchanged when it no longer has the entry (or a directory) to change. */
export function mutateZip(zip: Buffer, m: ZipMutation): Buffer {
  if (m.kind === 'flipAny') {
    const copy = Buffer.from(zip);
    if (copy.length > 0) copy[m.at % copy.length]! ^= m.mask;
    return copy;
  }
  if (m.kind === 'truncate') return zip.subarray(0, m.at % (zip.length + 1));
  if (m.kind === 'append') return Buffer.concat([zip, Buffer.from(m.bytes)]);
  let entries;
  try {
    entries = zipLayout(zip);
  } catch {
    return zip;
  }
  const e = entries[m.entry % Math.max(1, entries.length)];
  if (!e) return zip;
  try {
    switch (m.kind) {
      case 'flipData':
        return e.compressedSize > 0 ? flipDataByte(zip, e.name, m.at, m.mask) : zip;
      case 'sizes': {
        const near = (v: number | undefined, original: number) => (v === undefined ? undefined : v >= -64 && v <= 64 ? Math.max(0, original + v) : v);
        return setSizes(zip, e.name, { compressed: near(m.compressed, e.compressedSize), uncompressed: near(m.uncompressed, e.uncompressedSize) }, m.local);
      }
      case 'method':
        return setMethod(zip, e.name, m.method);
      case 'nameLength':
        return setLocalNameLength(zip, e.name, m.length);
      case 'offset':
        return setLocalOffset(zip, e.name, m.offset);
    }
  } catch {
    return zip; // the layout pointed outside the buffer: leave this mutation out
  }
}

/** One upload: the set, its files damaged, zipped in some shape, the zip damaged. */
export const damagedUpload = fc.record({
  set: csvSet,
  // Mostly damaged; a few sets go through whole, so accepted imports interleave with refused ones.
  text: fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 3, arbitrary: fc.array(fc.record({ file: fc.nat(), mutation: textMutation }), { minLength: 1, maxLength: 2 }) }),
  shape: zipShape,
  zip: fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 3, arbitrary: fc.array(zipMutation, { minLength: 1, maxLength: 3 }) }),
});

export type DamagedUpload = typeof damagedUpload extends fc.Arbitrary<infer T> ? T : never;

/** The set's files with their text mutations applied. */
export function damagedFiles(u: DamagedUpload): Record<string, Buffer> {
  const names = Object.keys(u.set);
  const files: Record<string, Buffer> = Object.fromEntries(names.map((n) => [n, Buffer.from(u.set[n]!)]));
  for (const { file, mutation } of u.text) {
    const name = names[file % names.length]!;
    files[name] = mutateText(files[name]!, mutation);
  }
  return files;
}

/** The upload's bytes. */
export async function buildUpload(u: DamagedUpload): Promise<Buffer> {
  const files = damagedFiles(u);
  const entries: [string, Buffer, boolean][] = Object.entries(files).map(([name, bytes], i) => {
    const nested = u.shape.nested === 'all' || (u.shape.nested === 'one' && i === 0);
    return [nested ? `export/${name}` : name, bytes, u.shape.compress[i % u.shape.compress.length]!];
  });
  if (u.shape.duplicate && entries[0]) entries.push(entries[0]);
  if (u.shape.macosx) entries.push(['__MACOSX/._manifest.csv', Buffer.from([0, 5, 22, 7, 0, 2, 0, 0]), true]);
  for (let i = 0; i < u.shape.extraEntries; i++) entries.push([`notes-${i}.txt`, Buffer.from(`note ${i}\n`), i % 2 === 0]);
  let zip = await zipEntries(entries);
  for (const m of u.zip) zip = mutateZip(zip, m);
  return zip;
}

async function zipEntries(entries: [string, Buffer, boolean][]): Promise<Buffer> {
  // Not csv-zip.ts's zipOf: that keys files by name, and a duplicate entry is one of the shapes.
  const zip = new yazl.ZipFile();
  for (const [name, bytes, compress] of entries) zip.addBuffer(bytes, name, { compress });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
