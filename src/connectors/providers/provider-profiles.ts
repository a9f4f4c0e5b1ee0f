// The provider profiles (profiles.json) and how `connect add --provider` turns one into a
// connection: its kind, its settings, and the source and token URLs from the district's --url.
import { readFileSync } from 'node:fs';
import type { ConnectionSettings, ConnectorKind } from '../connection-repository.ts';
import { ONEROSTER_VERSIONS } from '../oneroster-version.ts';

export interface ProviderProfile {
  id: string;
  name: string;
  /** null: termbridge cannot reach this provider (see `unreachable`). */
  kind: ConnectorKind | null;
  settings?: ConnectionSettings;
  /** Added to a --url without a path. */
  basePath?: string;
  /** Resolved against the --url's origin. */
  tokenPath?: string;
  /** An absolute token URL (a platform's central identity service); `{directory}` is the directory setting. */
  tokenUrl?: string;
  /** The platform's API root when it is the same for every customer. */
  defaultUrl?: string;
  docs?: string;
  notes?: string;
  unreachable?: string;
}

let cached: ProviderProfile[] | null = null;

export function providerProfiles(): ProviderProfile[] {
  cached ??= (JSON.parse(readFileSync(new URL('./profiles.json', import.meta.url), 'utf8')) as { profiles: ProviderProfile[] }).profiles;
  return cached;
}

export function providerProfile(id: string): ProviderProfile | null {
  return providerProfiles().find((p) => p.id === id.toLowerCase()) ?? null;
}

export interface ProfiledConnection {
  kind: ConnectorKind;
  url: string;
  tokenUrl: string | null;
  settings: ConnectionSettings;
}

/**
 * The connection a profile makes of what the user gave: --url (a host root gets the profile's
 * base path; a URL with a path is taken as it is), --token-url (else the profile's), settings
 * given on the command line over the profile's.
 */
export function applyProfile(profile: ProviderProfile, given: { url?: string | undefined; tokenUrl?: string | undefined; settings?: ConnectionSettings }): ProfiledConnection {
  if (!profile.kind) throw new Error(`termbridge cannot reach ${profile.name}: ${profile.unreachable ?? 'no connector'}`);
  const settings: ConnectionSettings = { ...profile.settings, ...given.settings };
  const rawUrl = given.url ?? profile.defaultUrl;
  if (!rawUrl) throw new Error(`--provider ${profile.id} needs --url with the district's ${profile.name} address`);
  let url = rawUrl.replace(/\/+$/, '');
  let origin: string | null = null;
  // A version other than the profile's moves a standard OneRoster base to that version's path.
  const version = given.settings?.oneRosterVersion;
  const basePath =
    version && version !== profile.settings?.oneRosterVersion ? profile.basePath?.replace(/\/ims\/oneroster\/(v1p1|rostering\/v1p2)$/, ONEROSTER_VERSIONS[version].rosteringPath) : profile.basePath;
  if (profile.kind !== 'oneroster-csv') {
    const parsed = new URL(url);
    origin = parsed.origin;
    if ((parsed.pathname === '/' || parsed.pathname === '') && basePath && given.url !== undefined) url = `${origin}${basePath}`;
  }
  // A connection that signs each request with OAuth 1.0a, or holds a fixed access token, asks no token endpoint for anything.
  const signed = typeof settings.auth === 'string' && (settings.auth.startsWith('oauth1') || settings.auth === 'bearer');
  let tokenUrl = given.tokenUrl ?? (signed ? null : profile.tokenUrl ? profile.tokenUrl : profile.tokenPath && origin ? `${origin}${profile.tokenPath}` : null);
  if (tokenUrl?.includes('{directory}')) {
    if (typeof settings.directory !== 'string' || settings.directory === '') throw new Error(`--provider ${profile.id} needs --directory (the Microsoft Entra tenant id or domain)`);
    tokenUrl = tokenUrl.replace('{directory}', encodeURIComponent(settings.directory));
  }
  return { kind: profile.kind, url, tokenUrl, settings };
}
