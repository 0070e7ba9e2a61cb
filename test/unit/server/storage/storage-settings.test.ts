import { describe, expect, it } from 'vitest';
import { storageSettingsSchema } from '../../../../server/storage/storage-settings';

describe('storageSettingsSchema', () => {
  it('when SQLite is chosen, then the busy timeout defaults to five seconds', () => {
    expect(storageSettingsSchema.parse({ kind: 'sqlite', file: 'x.db' })).toEqual({
      kind: 'sqlite',
      file: 'x.db',
      busyTimeoutMs: 5000,
    });
  });

  it('when the kind is unknown or a field is extra, then it is refused', () => {
    expect(storageSettingsSchema.safeParse({ kind: 'mysql', url: 'x' }).success).toBe(false);
    expect(
      storageSettingsSchema.safeParse({ kind: 'sqlite', file: 'x.db', journal: 'wal' }).success,
    ).toBe(false);
    expect(
      storageSettingsSchema.safeParse({ kind: 'postgres', url: 'postgres://h/db', poolSize: 0 })
        .success,
    ).toBe(false);
  });
});
