// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../../src/main/settings/load-settings';
import { POLICY_KEY } from '../../../src/main/settings/registry-policy';
import { SETTING_NAMES, SETTINGS } from '../../../src/main/settings/settings-schema';
import { SCHEMA_FILE, settingsJsonSchemaText } from '../../../scripts/settings-json-schema';

const deploy = join(import.meta.dirname, '..', '..', '..', 'deploy');
const sampleFile = join(deploy, 'settings', 'config.sample.json');
const read = (path: string) => readFileSync(path, 'utf8');

/** Parses XML with jsdom; a well-formedness error is a failure naming the file. */
function parseXml(path: string): Document {
  const doc = new DOMParser().parseFromString(read(path), 'application/xml');
  const error = doc.getElementsByTagName('parsererror')[0];
  if (error !== undefined) throw new Error(`${path} is not well-formed XML: ${error.textContent}`);
  return doc;
}

const all = (doc: Document, tag: string) => [...doc.getElementsByTagName(tag)];

describe('desktop settings: JSON Schema and sample', () => {
  it('when the zod settings change, then the committed JSON Schema is regenerated (npm run deploy:schema)', async () => {
    expect(
      read(SCHEMA_FILE),
      'deploy/settings/config.schema.json is stale: run npm run deploy:schema',
    ).toBe(await settingsJsonSchemaText());
  });

  it('when the app loads the sample as its machine-wide file, then every value parses and comes from that file', () => {
    const result = loadSettings({
      machineFile: sampleFile,
      userFile: '/nonexistent',
      env: {},
      argv: [],
    });
    expect(result.ok, JSON.stringify(!result.ok && result.error)).toBe(true);
    if (!result.ok) return;
    expect(result.value.settings.serverUrl).toBe('https://smartcard-unlock.example.nhs.uk');
    expect(result.value.sources.serverUrl).toEqual({ kind: 'machine-file', path: sampleFile });
  });

  it('when the sample is checked against the JSON Schema, then it passes, and a typo fails', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const validate = ajv.compile(JSON.parse(read(SCHEMA_FILE)) as object);
    const sample = JSON.parse(read(sampleFile)) as Record<string, unknown>;
    expect(validate(sample), ajv.errorsText(validate.errors)).toBe(true);
    expect(validate({ ...sample, serverURL: 'https://x.example' })).toBe(false);
    expect(validate({ ...sample, requestTimeoutSeconds: 500 })).toBe(false);
  });

  it('when the sample is read, then it documents every setting', () => {
    const sample = JSON.parse(read(sampleFile)) as Record<string, unknown>;
    for (const name of SETTING_NAMES) expect(Object.keys(sample)).toContain(name);
  });
});

describe('Group Policy template', () => {
  const admx = parseXml(join(deploy, 'windows', 'smartcard-unlock.admx'));
  const adml = parseXml(join(deploy, 'windows', 'en-US', 'smartcard-unlock.adml'));
  const policies = all(admx, 'policy');

  /** Each policy's registry value names: its own (on/off policies) and its elements'. */
  const valueNamesOf = (policy: Element): string[] => [
    ...(policy.hasAttribute('valueName') ? [policy.getAttribute('valueName')!] : []),
    ...[...(policy.getElementsByTagName('elements')[0]?.children ?? [])].map((e) =>
      e.getAttribute('valueName')!,
    ),
  ];

  it('when Group Policy writes a value, then it is under the key the app reads and names a setting', () => {
    expect(policies.length).toBeGreaterThanOrEqual(5);
    for (const policy of policies) {
      expect(`HKLM\\${policy.getAttribute('key')}`).toBe(POLICY_KEY);
      expect(policy.getAttribute('class')).toBe('Machine');
      expect(valueNamesOf(policy)).toHaveLength(1);
      for (const name of valueNamesOf(policy)) expect(SETTING_NAMES).toContain(name);
    }
  });

  it('when the app has a setting, then exactly one policy writes it, so IT can enforce every one', () => {
    const written = policies.flatMap(valueNamesOf);
    expect([...written].sort()).toEqual([...SETTING_NAMES].sort());
  });

  it('when a policy is on/off, then it writes DWORD 1 and 0 to a true-or-false setting', () => {
    const onOff = policies.filter((p) => p.hasAttribute('valueName'));
    expect(onOff.map((p) => p.getAttribute('valueName'))).toEqual(
      expect.arrayContaining(['development', 'mockReader']),
    );
    for (const policy of onOff) {
      const name = policy.getAttribute('valueName') as keyof typeof SETTINGS;
      expect(SETTINGS[name].coerce, name).toBe('boolean');
      const decimal = (tag: string) =>
        policy.getElementsByTagName(tag)[0]?.getElementsByTagName('decimal')[0];
      expect(decimal('enabledValue')?.getAttribute('value'), name).toBe('1');
      expect(decimal('disabledValue')?.getAttribute('value'), name).toBe('0');
    }
  });

  it("when a text policy has a length limit, then it is the setting's own", () => {
    const schema = JSON.parse(read(SCHEMA_FILE)) as {
      properties: Record<string, { maxLength?: number; anyOf?: { maxLength?: number }[] }>;
    };
    const texts = all(admx, 'text');
    expect(texts.length).toBeGreaterThanOrEqual(5);
    for (const text of texts) {
      const name = text.getAttribute('valueName')!;
      const property = schema.properties[name];
      const max = property?.maxLength ?? property?.anyOf?.[0]?.maxLength;
      expect(text.getAttribute('maxLength'), name).toBe(String(max));
    }
  });

  it('when the ADMX declares a namespace it uses from elsewhere, then it uses it', () => {
    const text = read(join(deploy, 'windows', 'smartcard-unlock.admx'));
    for (const using of all(admx, 'using')) {
      expect(text, `unused <using prefix="${using.getAttribute('prefix')}">`).toContain(
        `"${using.getAttribute('prefix')}:`,
      );
    }
  });

  it('when an enum policy offers choices, then each is a value the settings schema accepts', () => {
    for (const enumElement of all(admx, 'enum')) {
      const name = enumElement.getAttribute('valueName') as keyof typeof SETTINGS;
      for (const value of all(enumElement as unknown as Document, 'string')) {
        expect(SETTINGS[name].schema.safeParse(value.textContent).success).toBe(true);
      }
    }
  });

  it('when the ADMX refers to a string or presentation, then the ADML defines it', () => {
    const strings = new Set(all(adml, 'string').map((s) => s.getAttribute('id')));
    const presentations = new Set(all(adml, 'presentation').map((p) => p.getAttribute('id')));
    const refs = [
      ...read(join(deploy, 'windows', 'smartcard-unlock.admx')).matchAll(
        /\$\((string|presentation)\.([^)]+)\)/g,
      ),
    ];
    expect(refs.length).toBeGreaterThan(10);
    for (const [, kind, id] of refs) {
      expect(kind === 'string' ? strings.has(id!) : presentations.has(id!), `${kind}.${id}`).toBe(
        true,
      );
    }
    const elementIds = new Set(
      policies.flatMap((p) =>
        [...(p.getElementsByTagName('elements')[0]?.children ?? [])].map((e) =>
          e.getAttribute('id'),
        ),
      ),
    );
    for (const control of all(adml, 'presentation').flatMap((p) => [...p.children])) {
      expect(elementIds.has(control.getAttribute('refId'))).toBe(true);
    }
  });
});
