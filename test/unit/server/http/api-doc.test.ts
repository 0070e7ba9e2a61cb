import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { renderHttpApiDoc } from '../../../../server/http/api-doc';
import { API_ROUTES } from '../../../../src/shared/http-api';

const docPath = fileURLToPath(new URL('../../../../docs/http-api.md', import.meta.url));

describe('docs/http-api.md', () => {
  // Prettier formats the whole document: seconds on a loaded two-core machine, hence the timeout.
  it('when the schemas or the wording change, then the committed document is regenerated (npm run docs:api)', async () => {
    const config = (await resolveConfig(docPath)) ?? {};
    const expected = await format(renderHttpApiDoc(), { ...config, filepath: docPath });
    expect(readFileSync(docPath, 'utf8'), 'docs/http-api.md is stale: run `npm run docs:api`').toBe(
      expected,
    );
  }, 30_000);

  it('when it is read, then every /v1 route appears with its method', () => {
    const doc = renderHttpApiDoc();
    for (const route of Object.values(API_ROUTES)) {
      expect(doc).toContain(`| ${route.method.toUpperCase()} | \`${route.path}\``);
    }
  });
});
