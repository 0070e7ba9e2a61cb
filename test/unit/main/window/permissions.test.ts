import { describe, expect, it } from 'vitest';
import { isPermissionAllowed } from '../../../../src/main/window/permissions';

describe('window permissions', () => {
  it('when the page copies the diagnostics report, then the sanitized clipboard write is allowed', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write')).toBe(true);
  });

  it.each(['clipboard-read', 'media', 'geolocation', 'notifications', 'openExternal', 'hid'])(
    'when the page asks for %s, then it is refused',
    (permission) => {
      expect(isPermissionAllowed(permission)).toBe(false);
    },
  );
});
