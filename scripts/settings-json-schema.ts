import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { POLICY_KEY } from '../src/main/settings/registry-policy';
import { SETTING_NAMES, SETTINGS } from '../src/main/settings/settings-schema';

/**
 * `npm run deploy:schema`: writes deploy/settings/config.schema.json, the JSON Schema of the
 * desktop app's config.json, from the zod settings table, so editors and IT's tooling check the
 * machine-wide file before it reaches a workstation. A test fails when the file is stale.
 */

/** Where the generated schema lives. */
export const SCHEMA_FILE = join(
  import.meta.dirname,
  '..',
  'deploy',
  'settings',
  'config.schema.json',
);

/** The JSON Schema of config.json, with each setting's meaning, default, variable and flag. */
export function settingsJsonSchema(): Record<string, unknown> {
  const shape = Object.fromEntries(
    SETTING_NAMES.map((name) => {
      const d = SETTINGS[name];
      return [
        name,
        d.schema.optional().meta({
          description: `${d.expected}. Also ${d.env} or ${d.flag}; Group Policy value ${name} under ${POLICY_KEY} wins over all.`,
          default: d.default,
        }),
      ];
    }),
  );
  const generated = z.toJSONSchema(z.strictObject(shape), { io: 'input' });
  return {
    ...generated,
    $id: 'https://smartcard-unlock.invalid/schemas/desktop-config.schema.json',
    title: 'Smartcard Unlock desktop settings (config.json)',
    description:
      'Machine-wide: %ProgramData%\\smartcard-unlock\\config.json (Windows) or /etc/smartcard-unlock/config.json (Linux). Per user: %APPDATA%\\smartcard-unlock\\config.json or ~/.config/smartcard-unlock/config.json. Keys starting with // are comments.',
    properties: {
      $schema: { type: 'string', description: 'An editor hint; ignored by the app.' },
      ...(generated.properties as Record<string, unknown>),
    },
    patternProperties: { '^//': { description: 'A comment; ignored by the app.' } },
  };
}

/** The schema as the file holds it (formatted by the project's prettier settings). */
export async function settingsJsonSchemaText(): Promise<string> {
  const options = (await resolveConfig(SCHEMA_FILE)) ?? {};
  return format(JSON.stringify(settingsJsonSchema()), { ...options, parser: 'json' });
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, await settingsJsonSchemaText());
  console.log(`Wrote ${SCHEMA_FILE}`);
}
