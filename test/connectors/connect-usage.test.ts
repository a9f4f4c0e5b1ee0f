// `termbridge connect add` refuses what it cannot store correctly before it opens any store.
import { describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/cli/args.ts';
import { connectCommand } from '../../src/cli/connect.ts';
import { SecretKeyError } from '../../src/secrets/secret-box.ts';

const add = (...args: string[]) => connectCommand(['add', ...args, '--data-dir', 'memory://']);

describe('termbridge connect add', () => {
  it.each([
    [['canvas', '--tenant', 't', '--url', 'https://c.example'], /needs a Canvas access token: --token-stdin or TERMBRIDGE_SOURCE_TOKEN \(or TERMBRIDGE_CONNECT_SECRET\)/],
    [['canvas', '--tenant', 't', '--url', 'https://c.example', '--token', 'x', '--client-id', 'a'], /take a token, not --client-id/],
    [['edfi', '--tenant', 't', '--url', 'https://o.example', '--client-id', 'a'], /needs --client-id and the client secret from --client-secret-stdin or TERMBRIDGE_CLIENT_SECRET/],
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
    [['--provider', 'classlink', '--tenant', 't', '--url', 'https://d.oneroster.com', '--auth', 'oauth1-rsa-sha1'], /--auth must be one of oauth2, oauth1-hmac-sha256, oauth1-hmac-sha1/],
    [['--provider', 'clever', '--tenant', 't', '--auth', 'oauth2', '--token', 'x'], /--auth is for oneroster-rest connections/],
    [['--provider', 'classlink', '--tenant', 't', '--url', 'https://oneroster-proxy.classlink.io/app/ims/oneroster/v1p1', '--auth', 'bearer'], /needs an access token: --token-stdin or TERMBRIDGE_SOURCE_TOKEN/],
    [['--provider', 'classlink', '--tenant', 't', '--url', 'https://oneroster-proxy.classlink.io/app/ims/oneroster/v1p1', '--auth', 'bearer', '--token', 'x', '--client-id', 'a'], /take a token, not --client-id/],
    [['--provider', 'blackbaud', '--tenant', 't', '--client-id', 'a', '--client-secret', 'b'], /TERMBRIDGE_REFRESH_TOKEN/],
    [['canvas', '--tenant', 't', '--url', 'https://c.example', '--client-secret-stdin'], /take --token-stdin, not --client-secret-stdin/],
    [['edfi', '--tenant', 't', '--url', 'https://o.example', '--client-id', 'a', '--token-stdin'], /take --client-secret-stdin, not --token-stdin/],
    [['edfi', '--url', 'https://o.example'], /needs --tenant/],
    [['edfi', '--tenant', 't', '--url', 'https://o.example', '--client-id', 'a', '--client-secret', 'b', '--id', 'bad name'], /--id 'bad name'/],
  ])('refuses %j', async (args, message) => {
    await expect(add(...args)).rejects.toThrow(UsageError);
    await expect(add(...args)).rejects.toThrow(message);
  });

  it('takes the secret from TERMBRIDGE_CONNECT_SECRET without a warning; the argv form warns on stderr', async () => {
    const saved = { key: process.env.TERMBRIDGE_SECRET_KEY, secret: process.env.TERMBRIDGE_CONNECT_SECRET };
    delete process.env.TERMBRIDGE_SECRET_KEY;
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      // Past the secret checks, the missing key is the next refusal: the env secret was taken.
      process.env.TERMBRIDGE_CONNECT_SECRET = 'from-env';
      await expect(add('edfi', '--tenant', 't', '--url', 'https://o.example', '--client-id', 'a')).rejects.toThrow(SecretKeyError);
      expect(stderr).not.toHaveBeenCalled();
      delete process.env.TERMBRIDGE_CONNECT_SECRET;
      await expect(add('edfi', '--tenant', 't', '--url', 'https://o.example', '--client-id', 'a', '--client-secret', 'b')).rejects.toThrow(SecretKeyError);
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/warning: --client-secret puts the secret in your shell history.*--client-secret-stdin.*TERMBRIDGE_CLIENT_SECRET/);
    } finally {
      stderr.mockRestore();
      if (saved.key !== undefined) process.env.TERMBRIDGE_SECRET_KEY = saved.key;
      if (saved.secret !== undefined) process.env.TERMBRIDGE_CONNECT_SECRET = saved.secret;
      else delete process.env.TERMBRIDGE_CONNECT_SECRET;
    }
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
