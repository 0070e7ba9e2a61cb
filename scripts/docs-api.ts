import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderHttpApiDoc } from '../server/http/api-doc';

/** Writes docs/http-api.md from the shared schemas (`npm run docs:api`). */
const target = fileURLToPath(new URL('../docs/http-api.md', import.meta.url));
writeFileSync(target, renderHttpApiDoc());
console.log(`Wrote ${target}`);
