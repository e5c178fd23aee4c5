import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { apiError, client, detailReason, queryClient } from './api.ts';
import { notifyHost } from './host.ts';
import { type EndReason, sessionStore } from './session.ts';
import { applyTheme, initialTheme } from './theme.ts';
import './styles.css';

/** The link's single-use code, from the URL fragment (never sent to a server, never in a Referer). */
function takeCode(): string | null {
  const code = new URLSearchParams(window.location.hash.slice(1)).get('code');
  if (code) {
    // Out of the address bar and the history at once: a reload or a copied URL must not carry it.
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return code;
}

function reasonOfExchange(err: unknown): EndReason {
  const reason = detailReason(apiError(err).details);
  if (reason === 'link_used') return 'used';
  if (reason === 'session_expired') return 'expired';
  if (reason === 'session_revoked') return 'revoked';
  return 'invalid';
}

async function startSession(): Promise<void> {
  const code = takeCode();
  const stored = sessionStore.stored();
  if (code) {
    try {
      // embed.js passes the host's pk_… key as ?pk=; it goes with the exchange, and the server trades only a link of
      // that key's account.
      const pk = new URLSearchParams(window.location.search).get('pk') ?? undefined;
      const out = await client.portal.exchange.mutate({ code, publishable_key: pk });
      sessionStore.use(out.data.token);
      return sessionStore.ready();
    } catch (err) {
      // A reload of a tab whose link was already traded keeps its stored token; anything else ends here.
      if (!stored) return sessionStore.end(reasonOfExchange(err));
    }
  }
  if (!stored) return sessionStore.end('missing');
  sessionStore.use(stored);
  sessionStore.ready();
}

sessionStore.onEnd((reason) => {
  queryClient.clear();
  notifyHost('session.expired', { reason });
});
applyTheme(initialTheme());

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
}
void startSession();
