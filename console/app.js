// The console's shell: session, hash routes (#/skus/ID…), header and navigation.
import { createApi } from './lib/api.js';
import { html, render, useEffect, useMemo, useState } from './lib/html.js';
import { loadSession, signOut } from './lib/session.js';
import { ExportsPage } from './pages/exports.js';
import { ImportPage, ImportsPage } from './pages/imports.js';
import { LedgerPage } from './pages/ledger.js';
import { ModelPage, ModelsPage } from './pages/models.js';
import { OrderPage } from './pages/order.js';
import { OrdersPage } from './pages/orders.js';
import { ReturnPage, ReturnsPage } from './pages/returns.js';
import { SignIn } from './pages/signin.js';
import { SkuPage } from './pages/sku.js';
import { SkusPage } from './pages/skus.js';
import { TransfersPage } from './pages/transfers.js';
import { WebhookPage, WebhooksPage } from './pages/webhooks.js';

const PAGES = {
  skus: { title: 'SKUs', list: SkusPage, one: SkuPage },
  models: { title: 'Inventory models', list: ModelsPage, one: ModelPage },
  orders: { title: 'Orders', list: OrdersPage, one: OrderPage },
  transfers: { title: 'Stock transfers', list: TransfersPage },
  returns: { title: 'Returns', list: ReturnsPage, one: ReturnPage },
  imports: { title: 'Imports', list: ImportsPage, one: ImportPage },
  exports: { title: 'Exports', list: ExportsPage },
  webhooks: { title: 'Webhooks', list: WebhooksPage, one: WebhookPage },
  // reached from a SKU's stock item, not from the navigation
  ledger: { title: 'Stock ledger', list: LedgerPage, one: LedgerPage, nav: false },
};

/** `#/orders/abc` → { page: 'orders', id: 'abc' }; other fragments (the skip link's) leave the route alone. */
const parseRoute = (previous) => {
  if (!location.hash.startsWith('#/')) return previous ?? { page: 'skus', id: undefined };
  const [page, id] = location.hash.slice(2).split('/');
  return { page: PAGES[page] ? page : 'skus', id: id ? decodeURIComponent(id) : undefined };
};

function Header({ session, onSignOut }) {
  return html`<header class="top">
    <div class="brand">Allot console</div>
    <dl class="who" aria-label="Signed in as">
      <div><dt>Organization</dt><dd>${session.org.name}</dd></div>
      <div><dt>Mode</dt><dd><span class=${`mode mode-${session.mode}`}>${session.mode}</span></dd></div>
      <div><dt>Application</dt><dd>${session.appName}</dd></div>
      <div><dt>Role</dt><dd>${session.role === 'admin' ? 'admin' : 'read only'}</dd></div>
    </dl>
    <button type="button" onClick=${onSignOut}>Sign out</button>
  </header>`;
}

function Nav({ current }) {
  return html`<nav class="main-nav" aria-label="Console sections">
    <ul>
      ${Object.entries(PAGES)
        .filter(([, p]) => p.nav !== false)
        .map(
          ([k, p]) =>
            html`<li><a href=${`#/${k}`} aria-current=${k === current ? 'page' : undefined}>${p.title}</a></li>`,
        )}
    </ul>
  </nav>`;
}

function App() {
  const [session, setSession] = useState(loadSession);
  const [notice, setNotice] = useState(null);
  const [route, setRoute] = useState(() => parseRoute());
  useEffect(() => {
    const onHash = () => setRoute((r) => parseRoute(r));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const end = (message) => {
    signOut();
    setNotice(message);
    setSession(null);
  };
  const api = useMemo(
    () => session && createApi(session.token, () => end('Your token has expired or was revoked: sign in again.')),
    [session],
  );
  useEffect(() => {
    if (!session) return;
    const t = setTimeout(() => end('Your token has expired: sign in again.'), session.expiresAt - Date.now());
    return () => clearTimeout(t);
  }, [session]);
  const page = PAGES[route.page];
  useEffect(() => {
    document.title = `${session ? page.title : 'Sign in'} · Allot console`;
    document.querySelector('main h1')?.focus();
  }, [route, session]);

  if (!session)
    return html`<${SignIn} notice=${notice} onSignedIn=${(s) => {
      setNotice(null);
      setSession(s);
    }} />`;
  const View = route.id && page.one ? page.one : page.list;
  return html`<a class="skip" href="#main">Skip to content</a>
    <${Header} session=${session} onSignOut=${() => end('You signed out.')} />
    <div class="layout">
      <${Nav} current=${route.page} />
      <main id="main" tabindex="-1">
        <${View} key=${`${route.page}/${route.id ?? ''}`} api=${api} session=${session} canWrite=${session.role === 'admin'} id=${route.id} />
      </main>
    </div>`;
}

const root = document.getElementById('app');
root.textContent = ''; // the loading note
render(html`<${App} />`, root);
