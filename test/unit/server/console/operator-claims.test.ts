import { describe, expect, it } from 'vitest';
import type { ConsoleSettings } from '../../../../server/console/console-settings';
import { operatorFromClaims } from '../../../../server/console/operator-claims';

const SETTINGS = {
  roleClaim: 'roles',
  deskRole: 'service-desk',
  raRole: 'ra-manager',
} as ConsoleSettings;

describe('the operator from the provider claims', () => {
  it('when the role claim lists the desk role, then the operator is the desk, named and identified by username', () => {
    const claims = {
      sub: 'abc',
      name: 'Sam Patel',
      preferred_username: 'sam@trust.nhs.uk',
      roles: ['other', 'service-desk'],
    };
    expect(operatorFromClaims(claims, SETTINGS)).toEqual({
      ok: true,
      value: { id: 'console:sam@trust.nhs.uk', name: 'Sam Patel', role: 'desk' },
    });
  });

  it('when both roles are given, or the claim is a space-separated string, then an RA manager role wins', () => {
    const both = operatorFromClaims({ sub: 'x', roles: ['service-desk', 'ra-manager'] }, SETTINGS);
    expect(both.ok && both.value.role).toBe('ra');
    const spaced = operatorFromClaims({ sub: 'x', roles: 'a ra-manager' }, SETTINGS);
    expect(spaced.ok && spaced.value).toEqual({ id: 'console:x', name: 'x', role: 'ra' });
  });

  it('when the claim is missing, empty or only other values, then there is no role, and the refusal names who it was', () => {
    for (const roles of [undefined, [], ['Service-Desk'], 'servicedesk', 7]) {
      expect(operatorFromClaims({ sub: 'x', email: 'jo@trust.nhs.uk', roles }, SETTINGS)).toEqual({
        ok: false,
        error: { reason: 'no-role', actor: 'console:jo@trust.nhs.uk' },
      });
    }
  });

  it('when a name carries hidden characters, then it is not used; when the subject does, the claims are refused', () => {
    const named = operatorFromClaims(
      { sub: 'x', name: 'Sam\u202e', roles: ['service-desk'] },
      SETTINGS,
    );
    expect(named.ok && named.value.name).toBe('x');
    expect(operatorFromClaims({ sub: 'x\u001b[2J', roles: ['service-desk'] }, SETTINGS)).toEqual({
      ok: false,
      error: { reason: 'bad-claims', actor: undefined },
    });
  });
});
