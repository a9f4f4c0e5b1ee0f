// The frame every console page shares: skip link, navigation, the signed-in client, sign out.
import { html, type SafeHtml } from '../html.ts';
import type { ConsoleUser } from '../console-sessions.ts';
import { canWrite } from '../console-scopes.ts';

export type Section = 'overview' | 'sync' | 'connections' | 'clients' | null;

export interface PageOptions {
  title: string;
  user: ConsoleUser | null;
  section?: Section;
  body: SafeHtml;
  /** A one-line outcome of the last action (e.g. "Error #3 queued for retry"). */
  notice?: string | undefined;
  /** Seconds after which the browser reloads the page (progress pages). */
  refreshSeconds?: number | undefined;
}

const NAV: { section: Exclude<Section, null>; href: string; label: string }[] = [
  { section: 'overview', href: '/console/overview', label: 'District overview' },
  { section: 'sync', href: '/console/sync', label: 'Sync' },
  { section: 'connections', href: '/console/connections', label: 'Connections' },
  { section: 'clients', href: '/console/clients', label: 'API clients' },
];

export function csrfField(user: ConsoleUser): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${user.csrfToken}">`;
}

export function page(o: PageOptions): string {
  const user = o.user;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${o.refreshSeconds ? html`<meta http-equiv="refresh" content="${o.refreshSeconds}">` : ''}
<title>${o.title} · termbridge console</title>
<link rel="stylesheet" href="/console/assets/console.css">
<script type="module" src="/console/assets/console.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/console">termbridge console</a>
  ${
    user
      ? html`<nav aria-label="Console">
    <ul>${NAV.map((n) => html`<li><a href="${n.href}"${n.section === o.section ? html` aria-current="page"` : ''}>${n.label}</a></li>`)}</ul>
  </nav>
  <div class="who">
    <span>${user.clientName} <span class="muted">(${user.clientId}, tenant ${user.tenantId}${canWrite(user) ? '' : ', read-only'})</span></span>
    <form method="post" action="/console/sign-out">${csrfField(user)}<button type="submit" class="link">Sign out</button></form>
  </div>`
      : ''
  }
</header>
<main id="main" tabindex="-1">
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
<h1>${o.title}</h1>
${o.body}
</main>
</body>
</html>`.value;
}
