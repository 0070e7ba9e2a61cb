import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import {
  ConsoleRefusal,
  requireRole,
  signedIn,
  type Operator,
  type OperatorRole,
} from '../../../../server/console/console-page';
import { html } from '../../../../server/console/html';
import { csrfField, renderPage } from '../../../../server/console/page-shell';

/** A response whose locals hold a signed-in operator of `role`. */
function responseFor(role: OperatorRole | undefined): Response {
  const operator: Operator | undefined =
    role === undefined ? undefined : { id: `console:${role}`, name: 'Sam', role };
  return {
    locals: operator === undefined ? {} : { operator, csrfToken: 't' },
  } as unknown as Response;
}

/** What the middleware passed to `next`. */
function run(role: OperatorRole, as: OperatorRole): unknown[] {
  const calls: unknown[] = [];
  void requireRole(role)({} as Request, responseFor(as), (...args: unknown[]) => {
    calls.push(args[0]);
  });
  return calls;
}

describe('access by role', () => {
  it('when a desk operator asks for an RA page, then the request is refused as forbidden, naming the role needed', () => {
    const [refusal] = run('ra', 'desk');
    expect(refusal).toBeInstanceOf(ConsoleRefusal);
    expect(refusal).toMatchObject({ reason: 'forbidden', detail: 'needs=ra' });
  });

  it('when an RA manager asks for a desk page or an RA page, or a desk operator for a desk page, then it goes on', () => {
    expect(run('desk', 'ra')).toEqual([undefined]);
    expect(run('ra', 'ra')).toEqual([undefined]);
    expect(run('desk', 'desk')).toEqual([undefined]);
  });

  it('when a page runs without a session, then it fails loudly rather than serve anyone', () => {
    expect(() => signedIn(responseFor(undefined))).toThrow(/without a session/);
  });
});

describe('the page shell', () => {
  const page = (role: OperatorRole, path = '/console/') =>
    renderPage({
      title: 'Find a holder',
      body: html`<p>Body</p>`,
      operator: { name: '<b>Sam</b>', role, csrfToken: 'tok"en' },
      path,
    });

  it('when a desk operator sees a page, then the navigation has desk tasks only, and their name is escaped', () => {
    const out = page('desk');
    expect(out).toContain('href="/console/holders"');
    expect(out).toContain('href="/console/approvals"');
    expect(out).not.toContain('href="/console/reports"');
    expect(out).toContain('&lt;b&gt;Sam&lt;/b&gt; (Service desk)');
    expect(out).not.toContain('<b>Sam</b>');
  });

  it('when an RA manager sees a page, then reports are in the navigation, and the current task is marked', () => {
    const out = page('ra', '/console/reports');
    expect(out).toMatch(/href="\/console\/reports"\s+aria-current="page"/);
  });

  it('when any page is shown, then the skip link comes first, sign-out is a POST form with the token, and nothing is script', () => {
    const out = page('desk');
    expect(out.indexOf('nhsuk-skip-link')).toBeLessThan(out.indexOf('<header'));
    expect(out).toMatch(/<form[^>]*action="\/console\/sign-out"[^>]*method="post"/);
    expect(out).toContain('name="_csrf" value="tok&quot;en"');
    expect(out).not.toMatch(/<script|\son[a-z]+=/i);
    expect(out).toContain('<title>Find a holder – Smartcard Unlock service desk – NHS</title>');
  });

  it('when a form shows errors, then the title says so first', () => {
    const out = renderPage({ title: 'Find a holder', body: html``, hasErrors: true });
    expect(out).toContain('<title>Error: Find a holder');
    expect(out).not.toContain('Sign out');
  });

  it('when a form needs its token, then csrfField gives the hidden field', () => {
    expect(csrfField('abc').value).toBe('<input type="hidden" name="_csrf" value="abc" />');
  });
});
