// `termbridge connect add` refuses what it cannot store correctly before it opens any store.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.ts';
import { connectCommand } from '../../src/cli/connect.ts';
import { SecretKeyError } from '../../src/connectors/secret-box.ts';

const add = (...args: string[]) => connectCommand(['add', ...args, '--data-dir', 'memory://']);

describe('termbridge connect add', () => {
  it.each([
    [['canvas', '--tenant', 't', '--url', 'https://c.example'], /needs a Canvas access token in TERMBRIDGE_SOURCE_TOKEN/],
    [['canvas', '--tenant', 't', '--url', 'https://c.example', '--token', 'x', '--client-id', 'a'], /take a token, not --client-id/],
    [['edfi', '--tenant', 't', '--url', 'https://o.example', '--client-id', 'a'], /needs --client-id and the client secret in TERMBRIDGE_CLIENT_SECRET/],
    [['edfi', '--tenant', 't', '--url', 'ods.example', '--client-id', 'a', '--client-secret', 'b'], /must be an http\(s\) URL/],
    [['oneroster-csv', '--tenant', 't', '--url', '/tmp/x.zip', '--token', 'x'], /take no credentials/],
    [['ftp', '--tenant', 't', '--url', 'x'], /needs a kind \(oneroster-rest, oneroster-csv, edfi, canvas, clever/],
    [['--provider', 'nope', '--tenant', 't'], /no provider 'nope'/],
    [['--provider', 'bromcom', '--tenant', 't'], /cannot reach Bromcom MIS: Bromcom's API is available to approved partners only/],
    [['--provider', 'microsoft', '--tenant', 't', '--client-id', 'a', '--client-secret', 'b'], /needs --directory/],
    [['--provider', 'aeries', '--tenant', 't', '--token', 'x'], /--provider aeries needs --url/],
    [['oneroster-rest', '--provider', 'clever', '--tenant', 't', '--token', 'x'], /is a clever connection, not oneroster-rest/],
    [['oneroster-rest', '--tenant', 't', '--url', 'https://o.example', '--version', '2.0'], /--version must be 1.1 or 1.2/],
    [['--provider', 'clever', '--tenant', 't', '--school', 'abc', '--token', 'x'], /--school must be an Ed-Fi schoolId/],
    [['--provider', 'blackbaud', '--tenant', 't', '--client-id', 'a', '--client-secret', 'b'], /TERMBRIDGE_REFRESH_TOKEN/],
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
