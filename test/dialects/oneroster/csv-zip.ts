// Builds OneRoster CSV zips in memory for the tests.
import yazl from 'yazl';

export const SESSION_HEADER = 'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear';

export function manifest(modes: Record<string, string>): string {
  return ['propertyName,value', 'manifest.version,1.0', 'oneroster.version,1.2', ...Object.entries(modes).map(([f, m]) => `file.${f},${m}`)].join('\n') + '\n';
}

export async function zipOf(files: Record<string, string | Buffer>, compress = true): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files)) zip.addBuffer(Buffer.isBuffer(text) ? text : Buffer.from(text), name, { compress });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
