// /console/clients: the tenant's API clients — list, create (the secret shown once), rotate,
// revoke — through the same administration the CLI uses. A console user can grant only scopes
// it holds itself, and cannot revoke or rotate the client it is signed in with (that is the
// CLI's job), so the console never locks its own user out or widens anyone's access.
import { ADMIN_SCOPE, AdministrationError, StoreAdministration } from '../auth/administration.ts';
import { ClientRepository, type ApiClient } from '../auth/client-repository.ts';
import { ConsoleRefusal, field, redirect, route, sendPage, type ConsoleApp } from './console-app.ts';
import { canWrite, CONSOLE_READ, CONSOLE_WRITE } from './console-scopes.ts';
import type { ConsoleUser } from './console-sessions.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField } from './pages/layout.ts';

function clientsBody(user: ConsoleUser, clients: ApiClient[], grantable: string[]): SafeHtml {
  const write = canWrite(user);
  return html`<div class="scroll" tabindex="0" role="region" aria-label="API clients table"><table><thead><tr><th scope="col">Client</th><th scope="col">Status</th><th scope="col">Scopes</th>${write ? html`<th scope="col">Actions</th>` : ''}</tr></thead>
<tbody>${clients.map(
    (cl) => html`<tr><th scope="row">${cl.name}<br><code>${cl.clientId}</code></th><td>${cl.revokedAt ? html`<span class="warn">revoked ${cl.revokedAt}</span>` : html`active since ${cl.createdAt}`}</td>
<td>${cl.scopes.map((s) => html`<span class="tag">${s}</span>`)}</td>
${
  write
    ? html`<td>${
        cl.revokedAt
          ? ''
          : cl.clientId === user.clientId
            ? html`<span class="muted">signed in with this client</span>`
            : html`<form class="inline" method="post" action="/console/clients/${cl.clientId}/rotate">${csrfField(user)}<button type="submit" class="secondary">Rotate secret of ${cl.name}</button></form>
<form class="inline" method="post" action="/console/clients/${cl.clientId}/revoke">${csrfField(user)}<button type="submit" class="danger">Revoke ${cl.name}</button></form>`
      }</td>`
    : ''
}</tr>`,
  )}</tbody></table></div>
${
  write
    ? html`<h2>Create a client</h2><form method="post" action="/console/clients">${csrfField(user)}
<label for="name">Name</label><input type="text" id="name" name="name" required maxlength="200">
<fieldset><legend>Scopes (only those this client holds can be granted)</legend>${grantable.map((s, i) => html`<input type="checkbox" id="scope-${i}" name="scopes" value="${s}"><label for="scope-${i}">${s}</label><br>`)}</fieldset>
<div class="actions"><button type="submit">Create client</button></div></form>`
    : ''
}`;
}

function secretBody(client: ApiClient, secret: string, what: string): SafeHtml {
  return html`<p role="status">${what} <strong>${client.name}</strong>. The secret is shown only now and kept only as a hash; copy it somewhere safe.</p>
<label for="client-id">Client id</label><input type="text" id="client-id" class="secret" readonly value="${client.clientId}">
<label for="client-secret">Client secret</label><input type="text" id="client-secret" class="secret" readonly value="${secret}">
<div class="actions"><button type="button" data-copy="client-secret" hidden>Copy the secret</button><a class="button secondary" href="/console/clients">Back to API clients</a></div>`;
}

export function registerClientRoutes(c: ConsoleApp): void {
  const db = () => c.ctx.store.db;
  const grantable = (user: ConsoleUser) => c.ctx.registry.knownScopes().filter((s) => s !== ADMIN_SCOPE && user.scopes.includes(s));
  const ownClient = async (user: ConsoleUser, clientId: string) => {
    const client = await new ClientRepository(db()).get(clientId);
    if (!client || client.tenantId !== user.tenantId) throw new ConsoleRefusal(404, `This tenant has no client '${clientId}'.`);
    if (client.clientId === user.clientId) throw new ConsoleRefusal(409, 'This is the client you are signed in with; rotate or revoke it with the termbridge CLI.');
    return client;
  };
  const administration = () => new StoreAdministration(db(), c.ctx.registry.knownScopes());

  route(c, 'GET', '/console/clients', CONSOLE_READ, async (_request, reply, user) => {
    const clients = await new ClientRepository(db()).list(user.tenantId);
    return sendPage(reply, { title: 'API clients', user, section: 'clients', body: clientsBody(user, clients, grantable(user)) });
  });

  route(c, 'POST', '/console/clients', CONSOLE_WRITE, async (request, reply, user) => {
    const body = request.body as Record<string, unknown>;
    const raw = body.scopes;
    const scopes = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((s): s is string => typeof s === 'string');
    const refused = scopes.filter((s) => !grantable(user).includes(s));
    if (refused.length) throw new ConsoleRefusal(403, `This client cannot grant ${refused.map((s) => `'${s}'`).join(', ')}: a console user grants only scopes it holds. Nothing was created.`);
    try {
      const { client, secret } = await administration().createClient({ tenantId: user.tenantId, name: field(body, 'name'), scopes });
      return sendPage(reply, { title: 'Client created', user, section: 'clients', body: secretBody(client, secret, 'Created client') });
    } catch (err) {
      if (err instanceof AdministrationError) throw new ConsoleRefusal(400, `${err.message}. Nothing was created.`);
      throw err;
    }
  });

  route(c, 'POST', '/console/clients/:clientId/rotate', CONSOLE_WRITE, async (request, reply, user) => {
    const client = await ownClient(user, (request.params as { clientId: string }).clientId);
    try {
      const { secret } = await administration().rotateSecret(client.clientId);
      await c.sessions.endClient(user.tenantId, client.clientId);
      return sendPage(reply, { title: 'Secret rotated', user, section: 'clients', body: secretBody(client, secret, 'New secret for') });
    } catch (err) {
      if (err instanceof AdministrationError) throw new ConsoleRefusal(409, err.message);
      throw err;
    }
  });

  route(c, 'POST', '/console/clients/:clientId/revoke', CONSOLE_WRITE, async (request, reply, user) => {
    const client = await ownClient(user, (request.params as { clientId: string }).clientId);
    try {
      await administration().revokeClient(client.clientId);
      await c.sessions.endClient(user.tenantId, client.clientId);
    } catch (err) {
      if (err instanceof AdministrationError) throw new ConsoleRefusal(409, err.message);
      throw err;
    }
    return redirect(reply, '/console/clients');
  });
}
