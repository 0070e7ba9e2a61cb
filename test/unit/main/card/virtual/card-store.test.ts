import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProfileFile } from '../../../../../src/main/card/virtual/card-store';
import { openVirtualCardFile } from '../../../../../src/main/card/virtual/virtual-piv-card';
import { rmSync } from 'node:fs';
import { BASE_PROFILE, send, verifyApdu } from '../support';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'virtual-card-'));
  file = join(dir, 'card.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = () => {
  const card = openVirtualCardFile(file);
  if (!card.ok) throw new Error(card.error.message);
  return card.value;
};

describe('profile file store', () => {
  it('when the file lacks keys, then it generates them and writes them back, readable by its owner only', () => {
    writeFileSync(file, JSON.stringify(BASE_PROFILE));
    const loaded = loadProfileFile(file);
    expect(loaded.ok).toBe(true);
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({ ...BASE_PROFILE, guid: BASE_PROFILE.guid.toLowerCase() });
    expect(Object.keys(written.keys as object)).toEqual(['9A', '9E']);
    expect(Object.keys(written.certificates as object)).toEqual(['9A', '9E']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('when the file is complete, then loading it again leaves it byte for byte the same', () => {
    writeFileSync(file, JSON.stringify(BASE_PROFILE));
    loadProfileFile(file);
    const first = readFileSync(file, 'utf8');
    loadProfileFile(file);
    expect(readFileSync(file, 'utf8')).toBe(first);
  });

  it('keeps spent tries across a reload, as a chip keeps them across power cycles', () => {
    writeFileSync(file, JSON.stringify(BASE_PROFILE));
    const card = open();
    expect(send(card, verifyApdu('000000')).sw).toBe(0x63c2);
    expect(send(card, verifyApdu('000000')).sw).toBe(0x63c1);
    const reloaded = open();
    expect(send(reloaded, verifyApdu()).sw).toBe(0x63c1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pinTriesLeft: 1 });
  });

  it('keeps a passcode reset and a lock across a reload', () => {
    writeFileSync(file, JSON.stringify(BASE_PROFILE));
    open().lock();
    expect(send(open(), verifyApdu()).sw).toBe(0x6983);
    const card = open();
    const reset = send(card, {
      cla: 0,
      ins: 0x2c,
      p1: 0,
      p2: 0x80,
      data: Buffer.from('12345678new-pin\xff', 'latin1'),
      le: 0,
    });
    expect(reset.sw).toBe(0x9000);
    expect(send(open(), verifyApdu('new-pin')).sw).toBe(0x9000);
  });

  it('leaves no temporary files behind', () => {
    writeFileSync(file, JSON.stringify(BASE_PROFILE));
    const card = open();
    send(card, verifyApdu('000000'));
    expect(readdirSync(dir)).toEqual(['card.json']);
  });

  it('when the file is missing, then the message names the file', () => {
    const result = loadProfileFile(join(dir, 'missing.json'));
    expect(result.ok ? '' : result.error.message).toMatch(
      /missing\.json: cannot read the profile file \(ENOENT\)/,
    );
  });

  it('when a field is wrong, then the message names the file and the field', () => {
    writeFileSync(file, JSON.stringify({ ...BASE_PROFILE, pukTriesLeft: -1 }));
    const result = openVirtualCardFile(file);
    expect(result.ok ? undefined : result.error).toEqual({
      field: 'pukTriesLeft',
      message: `${file}: field "pukTriesLeft" must be from 0 to 15`,
    });
  });
});
