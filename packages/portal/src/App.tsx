import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState } from 'react';
import { Link, Redirect, Route, Router, Switch, useLocation } from 'wouter';
import { client, trpc } from './api.ts';
import { FeaturesContext } from './features.ts';
import { configureHost } from './host.ts';
import { type EndReason, sessionStore, useSession } from './session.ts';
import { applyBranding, applyTheme, initialTheme, type ThemeMode } from './theme.ts';
import { Icon } from './ui/Icon.tsx';
import { ErrorNote, IconButton } from './ui/kit.tsx';
import { WorkflowList } from './workflows/WorkflowList.tsx';

// The canvas (React Flow, the layout engine) loads only when a workflow is opened: the first screen stays small.
const Builder = lazy(() => import('./builder/Builder.tsx'));
const RunsPage = lazy(() => import('./runs/RunsPage.tsx'));
const RunDetail = lazy(() => import('./runs/RunDetail.tsx'));
const WebhookList = lazy(() => import('./webhooks/WebhookList.tsx'));
const WebhookDetail = lazy(() => import('./webhooks/WebhookDetail.tsx'));
const WebhookCreate = lazy(() => import('./webhooks/WebhookCreate.tsx'));

const ENDED: Record<EndReason, { title: string; body: string }> = {
  expired: {
    title: 'Your session has expired',
    body: 'For your security, portal sessions are short. Reopen the portal from the app to continue.',
  },
  revoked: { title: 'This session was ended', body: 'Reopen the portal from the app to continue.' },
  logged_out: { title: 'You are logged out', body: 'Reopen the portal from the app to sign in again.' },
  used: {
    title: 'This link was already used',
    body: 'A portal link opens once. Reopen the portal from the app for a new one.',
  },
  invalid: { title: 'This link is not valid', body: 'Reopen the portal from the app for a new link.' },
  missing: {
    title: 'No session',
    body: 'Open the portal from the app: it gives you a link that signs you in.',
  },
};

function SessionEnded({ reason }: { reason: EndReason }) {
  const { title, body } = ENDED[reason];
  return (
    <main className="ended" data-testid="session-ended" data-reason={reason}>
      <Icon name="clock" size={40} />
      <h1>{title}</h1>
      <p>{body}</p>
    </main>
  );
}

function ThemeToggle() {
  const [mode, setMode] = useState<ThemeMode>(initialTheme);
  const next: ThemeMode = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="icon-button"
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      data-mode={mode}
      onClick={() => {
        applyTheme(next, true);
        setMode(next);
      }}
    >
      <Icon name={next === 'dark' ? 'moon' : 'sun'} />
    </button>
  );
}

function Shell() {
  const context = useQuery(trpc.portal.session.queryOptions({}));
  const [location] = useLocation();
  const data = context.data?.data;
  useEffect(() => {
    if (!data) return;
    applyBranding(data.user.primary_color);
    configureHost(data.embed.allowed_origins);
    // The expiry screen comes on time even when the portal is idle.
    const ms = Date.parse(data.session.expires_at_utc ?? '') - Date.now();
    if (Number.isNaN(ms)) return;
    const t = setTimeout(() => sessionStore.end('expired'), Math.max(0, ms));
    return () => clearTimeout(t);
  }, [data]);

  if (context.error) return <ErrorNote error={context.error} title="The portal could not load" />;
  if (!data)
    return (
      <p className="boot" role="status">
        Loading…
      </p>
    );
  const features = data.session.features;
  const workflows = features.includes('workflows');
  const webhooks = features.includes('webhooks');
  const home = workflows ? '/workflows' : '/webhooks';
  const nav = (href: string, label: string) => (
    <Link href={href} className="nav-link" aria-current={location.startsWith(href) ? 'page' : undefined}>
      {label}
    </Link>
  );
  return (
    <FeaturesContext.Provider value={{ readOnly: features.includes('read_only') }}>
      <div className="shell">
        <a className="skip" href="#main">
          Skip to content
        </a>
        <header className="topbar">
          <div className="brand">
            {data.user.logo_url ? <img src={data.user.logo_url} alt="" className="logo" /> : null}
            <span>{data.user.name ?? 'Automations'}</span>
          </div>
          <nav aria-label="Portal">
            {workflows ? nav('/workflows', 'Workflows') : null}
            {webhooks ? nav('/webhooks', 'Webhooks') : null}
          </nav>
          <div className="topbar-actions">
            <ThemeToggle />
            <IconButton
              icon="logout"
              label="Log out"
              title="Log out"
              onClick={async () => {
                await client.portal.logout.mutate({}).catch(() => {});
                sessionStore.end('logged_out');
              }}
            />
          </div>
        </header>
        <main id="main" className="content" tabIndex={-1}>
          <Suspense fallback={<p role="status">Loading…</p>}>
            <Switch>
              <Route path="/">
                <Redirect to={home} replace />
              </Route>
              {workflows ? <Route path="/workflows" component={WorkflowList} /> : null}
              {workflows ? <Route path="/workflows/:id/runs" component={RunsPage} /> : null}
              {workflows ? (
                <Route path="/workflows/:id">
                  {(params) => <Builder id={params.id} stopEvents={data.account.stop_events} />}
                </Route>
              ) : null}
              {workflows ? <Route path="/runs/:id" component={RunDetail} /> : null}
              {webhooks ? <Route path="/webhooks" component={WebhookList} /> : null}
              {webhooks ? <Route path="/webhooks/new" component={WebhookCreate} /> : null}
              {webhooks ? <Route path="/webhooks/:id" component={WebhookDetail} /> : null}
              <Route>
                <p>Nothing here. {nav(home, 'Back to the start')}</p>
              </Route>
            </Switch>
          </Suspense>
        </main>
      </div>
    </FeaturesContext.Provider>
  );
}

/** The portal: the session's state decides between loading, the app, and the screen saying why it ended. */
export function App() {
  const session = useSession();
  if (session.status === 'ended') return <SessionEnded reason={session.reason} />;
  if (session.status === 'starting')
    return (
      <p className="boot" role="status">
        Signing in…
      </p>
    );
  return (
    <Router base="/portal">
      <Shell />
    </Router>
  );
}
