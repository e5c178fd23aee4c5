import { type FileServer, late, serverForFile } from '@switchyard/server/testing';
import { beforeAll } from 'vitest';
import { createClient, type SwitchyardClient } from '../src/index.ts';

/**
 * A real server for the test file (`serverForFile`) and the typed client over it with its API key, retrying after
 * 10 ms; call it at the top of the file.
 */
export function clientForFile(): { srv: FileServer; client: SwitchyardClient } {
  const srv = serverForFile();
  let client: SwitchyardClient | undefined;
  beforeAll(() => {
    client = createClient({ baseUrl: srv.url, apiKey: srv.apiKey, baseDelayMs: 10 });
  });
  return { srv, client: late(() => client, 'the client') };
}
