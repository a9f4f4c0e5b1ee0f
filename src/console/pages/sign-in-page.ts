// The sign-in form: a client id and secret of a client holding the `console` scope.
import { html, type SafeHtml } from '../html.ts';

export function signInBody(csrf: string, next: string): SafeHtml {
  return html`<form class="sign-in" method="post" action="/console/sign-in">
<p>Sign in with an API client of your district that holds the <code>console</code> scope (and <code>console:write</code> to change things). An operator creates one with <code>termbridge clients create --tenant … --name … --scopes console,console:write,…</code>.</p>
<input type="hidden" name="_csrf" value="${csrf}">
<input type="hidden" name="next" value="${next}">
<label for="client_id">Client id</label>
<input type="text" id="client_id" name="client_id" autocomplete="username" required autofocus>
<label for="client_secret">Client secret</label>
<input type="password" id="client_secret" name="client_secret" autocomplete="current-password" required>
<div class="actions"><button type="submit">Sign in</button></div>
</form>`;
}
