import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createPcscBackend } from '../../../../../src/main/card/pcsc/pcsc-backend';
import type { ReaderEvent } from '../../../../../src/main/card/types';

// Each test starts a worker thread, which compiles the worker's TypeScript with tsx: seconds on a
// busy two-core machine, so these tests get more room than the unit default.
const WORKER_TIMEOUT = { timeout: 30_000 };

describe('createPcscBackend', WORKER_TIMEOUT, () => {
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

describe('the PC/SC backend when its worker dies', WORKER_TIMEOUT, () => {
  it('says service-down to listeners and answers io errors instead of hanging', async () => {
    const binding = pathToFileURL(
      fileURLToPath(new URL('../../../../support/crashing-binding.mjs', import.meta.url)),
    ).href;
    const created = await createPcscBackend({ bindingModule: binding });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const backend = created.value;
    const down = new Promise<ReaderEvent>((resolve) => backend.onEvent(resolve));
    expect(await down).toEqual({ kind: 'service-down' });
    expect(await backend.listReaders()).toMatchObject({ ok: false, error: { code: 'io' } });
    expect(await backend.connect('Any reader')).toMatchObject({ ok: false, error: { code: 'io' } });
    await backend.close();
  });
});
