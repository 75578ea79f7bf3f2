// Sign in with an integration application's client id and secret; the secret is not kept.
import { html, useState } from '../lib/html.js';
import { signIn } from '../lib/session.js';
import { Field, FormErrors } from '../lib/ui.js';

export function SignIn({ notice, onSignedIn }) {
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(clientId.trim(), secret));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return html`<main id="main" class="signin">
    <h1 tabindex="-1">Sign in to the Allot console</h1>
    <p>Use an integration application's credentials (admin or read only). The console keeps only the
      tokens Allot issues, in this tab's session storage; the secret is forgotten once they are issued.</p>
    ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
    <form onSubmit=${submit} class="card">
      <${Field} label="Client ID" value=${clientId} onInput=${setClientId} required autocomplete="username" spellcheck="false" />
      <${Field} label="Client secret" type="password" value=${secret} onInput=${setSecret} required autocomplete="current-password" />
      <${FormErrors} error=${error} />
      <button type="submit" class="primary" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
    </form>
  </main>`;
}
