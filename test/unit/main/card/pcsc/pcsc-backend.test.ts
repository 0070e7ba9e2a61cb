import { describe, expect, it } from 'vitest';
import { createPcscBackend } from '../../../../../src/main/card/pcsc/pcsc-backend';

describe('createPcscBackend', () => {
  it('returns a typed error, not an exception, when the PC/SC binding is missing', async () => {
    const created = await createPcscBackend({
      bindingModule: 'smartcard-binding-that-is-not-installed',
    });
    expect(created.ok).toBe(false);
    if (created.ok) return;
    expect(created.error.code).toBe('pcsc-binding-missing');
    expect(created.error.message).toMatch(/PC\/SC binding/);
    expect(created.error.detail).toMatch(/smartcard-binding-that-is-not-installed/);
  });

  it('returns a typed error when the module loaded is not the binding', async () => {
    const created = await createPcscBackend({ bindingModule: 'node:path' });
    expect(created).toMatchObject({ ok: false, error: { code: 'pcsc-binding-missing' } });
  });
});
