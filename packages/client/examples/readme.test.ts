import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmeSnippets } from '../scripts/readmeSnippets.ts';

// The README's client snippets are cut from the examples this project runs (examples/quickstart.test.ts), so
// they cannot drift from working code: this test fails when the README's copy differs.
const readmeFile = new URL('../../../README.md', import.meta.url);
const readme = existsSync(readmeFile) ? readFileSync(readmeFile, 'utf8') : '';
const packageReadme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const snippets = readmeSnippets();

describe('README client snippets', () => {
  it('are non-trivial regions of the examples', () => {
    expect(snippets.typescript.code).toContain('createClient({ baseUrl, apiKey })');
    expect(snippets.verify.code).toContain('await verifyNodeRequest(req, secret)');
    expect(snippets.rest.code).toContain('createClient<paths>({ baseUrl, headers: { Authorization: `Bearer');
  });

  it("the package's README shows all three verbatim", () => {
    expect(packageReadme).toContain(snippets.typescript.code);
    expect(packageReadme).toContain(snippets.verify.code);
    expect(packageReadme).toContain(snippets.rest.code);
  });

  // The repository README gets the same sections when the lead merges them; from then on they are checked too.
  it.skipIf(!readme.includes('## Use from TypeScript'))(
    '"Use from TypeScript" shows the example verbatim',
    () => {
      expect(readme).toContain(snippets.typescript.code);
    },
  );

  it.skipIf(!readme.includes('### Verify webhook deliveries'))(
    '"Verify webhook deliveries" shows the receiver',
    () => {
      expect(readme).toContain(snippets.verify.code);
    },
  );

  it.skipIf(!readme.includes('## Use over REST'))('"Use over REST" shows the example verbatim', () => {
    expect(readme).toContain(snippets.rest.code);
  });
});
