// `termbridge connect add` refuses what it cannot store correctly before it opens any store.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.ts';
import { connectCommand } from '../../src/cli/connect.ts';
import { SecretKeyError } from '../../src/connectors/secret-box.ts';

const add = (...args: string[]) => connectCommand(['add', ...args, '--data-dir', 'memory://']);

describe('termbridge connect add', () => {
  it.each([
    [['canvas', '--tenant', 't', '--url', 'https://c.example'], /needs --token/],
    [['canvas', '--tenant', 't', '--url', 'https://c.example', '--token', 'x', '--client-id', 'a'], /take --token, not --client-id/],
    [['edfi', '--tenant', 't', '--url', 'https://o.example', '--client-id', 'a'], /needs --client-id and --client-secret/],
    [['edfi', '--tenant', 't', '--url', 'ods.example', '--client-id', 'a', '--client-secret', 'b'], /must be an http\(s\) URL/],
    [['oneroster-csv', '--tenant', 't', '--url', '/tmp/x.zip', '--token', 'x'], /take no credentials/],
    [['ftp', '--tenant', 't', '--url', 'x'], /needs a kind: oneroster-rest, oneroster-csv, edfi, canvas/],
    [['edfi', '--url', 'https://o.example'], /needs --tenant/],
    [['edfi', '--tenant', 't', '--url', 'https://o.example', '--client-id', 'a', '--client-secret', 'b', '--id', 'bad name'], /--id 'bad name'/],
  ])('refuses %j', async (args, message) => {
    await expect(add(...args)).rejects.toThrow(UsageError);
    await expect(add(...args)).rejects.toThrow(message);
  });

  it('refuses to store a secret without TERMBRIDGE_SECRET_KEY', async () => {
    const saved = process.env.TERMBRIDGE_SECRET_KEY;
    delete process.env.TERMBRIDGE_SECRET_KEY;
    try {
      await expect(add('edfi', '--tenant', 't', '--url', 'https://o.example', '--client-id', 'a', '--client-secret', 'b')).rejects.toThrow(SecretKeyError);
    } finally {
      if (saved !== undefined) process.env.TERMBRIDGE_SECRET_KEY = saved;
    }
  });
});
