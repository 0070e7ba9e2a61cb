import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { cardIdSchema } from '../../src/shared/card-identity';
import type { OperatorCall } from '../domain/desk/desk-ports';
import { holderSearchSchema } from '../domain/desk/holder-support';
import type { DomainError, DomainResult, ServerCore } from '../domain/ports';
import { requestIdOf } from '../http/http-failures';
import { ConsoleRefusal, requireRole, sendPage, signedIn } from './console-page';
import { errorSummary, successBanner, type FieldError } from './form-parts';
import {
  HOLDER_ACTIONS,
  actionFormErrors,
  actionFormSchema,
  actionForms,
  doneSentences,
  type ActionDone,
  type ActionForm,
  type HolderAction,
} from './holder-action-forms';
import { attemptsTable, auditTable, cardFacts, searchForm, searchResults } from './holder-views';
import { html } from './html';
import { CONSOLE_BASE } from './page-shell';

/**
 * The desk's holder pages (issue 20, item 3): find a holder, see their card, and act on it. Every
 * action is the domain's own (server/domain/desk), as the admin CLI's are, audited with the
 * signed-in operator and the reason they give.
 */

/** Which audit page the card page shows: entries older than `before`. */
const cardQuerySchema = z.object({ before: z.coerce.number().int().positive().optional() });

/** The operator's call for the domain: `console:<username>` becomes the audit row's source. */
function operatorCall(req: Request, res: Response, reason: string): OperatorCall {
  const { operator } = signedIn(res);
  const name = operator.id.replace(/^console:/, '');
  return { operator: { via: 'console', name, requestId: requestIdOf(req) }, reason };
}

/** A refusal of the domain's as an error against the form that caused it. */
function domainError(action: HolderAction, error: DomainError): FieldError {
  const field = error.details?.field;
  if (field === 'email' || field === 'mobile') {
    return {
      id: `contacts-${field}`,
      text:
        field === 'email'
          ? 'Enter an email address or a mobile number: a holder needs at least one'
          : 'Enter a UK mobile number, like 07700 900123',
    };
  }
  if (field === 'actor') {
    return {
      id: `${action}-reason`,
      text: 'Your user name cannot be written to the audit trail: ask IT to check your account',
    };
  }
  return { id: `${action}-reason`, text: 'Enter a reason of one line, 200 characters or fewer' };
}

/** Runs one action through the domain; what it did, or the error to show. */
async function run(
  core: Pick<ServerCore, 'holders'>,
  action: HolderAction,
  cardId: string,
  form: ActionForm,
  call: OperatorCall,
): Promise<DomainResult<ActionDone>> {
  const done = <T>(r: DomainResult<T>, make: (value: T) => ActionDone): DomainResult<ActionDone> =>
    r.ok ? { ok: true, value: make(r.value) } : r;
  const { holders } = core;
  switch (action) {
    case 'clear-lockout':
      return done(await holders.clearLockout(cardId, call), (value) => ({ action, value }));
    case 'freeze':
      return done(await holders.freeze(cardId, call), (value) => ({ action, value }));
    case 'unfreeze':
      return done(await holders.unfreeze(cardId, call), (value) => ({ action, value }));
    case 'reset-registration':
      return done(await holders.resetRegistration(cardId, call), () => ({ action }));
    case 'contacts':
      return done(
        await holders.setContacts(cardId, { email: form.email, mobile: form.mobile }, call),
        (value) => ({ action, value }),
      );
  }
}

/** The holder search and card pages, for desk operators (and RA managers). */
export function holderPages(core: Pick<ServerCore, 'holders'>): Router {
  const router = Router();

  /** The card page, with a banner, or the errors of a form sent and what it held. */
  async function cardPage(
    res: Response,
    cardId: string,
    options: {
      readonly before?: number;
      readonly done?: ActionDone;
      readonly sent?: { readonly action: HolderAction; readonly form: ActionForm };
      readonly errors?: readonly FieldError[];
    } = {},
  ): Promise<boolean> {
    const page = await core.holders.cardPage(
      cardId,
      options.before === undefined ? {} : { before: options.before },
    );
    if (!page.ok) return false;
    const errors = options.errors ?? [];
    const [heading, more] = options.done === undefined ? [] : doneSentences(options.done);
    sendPage(res, {
      status: errors.length > 0 ? 400 : 200,
      title: page.value.holderName,
      backLink: { href: `${CONSOLE_BASE}/holders`, text: 'Find a holder' },
      beforeHeading:
        errorSummary(errors) ?? (heading === undefined ? undefined : successBanner(heading, more)),
      hasErrors: errors.length > 0,
      body: html`${cardFacts(page.value)}
      ${actionForms(page.value, signedIn(res).csrfToken, options.sent, errors)}
      ${attemptsTable(page.value.recentAttempts)} ${auditTable(page.value.cardId, page.value.audit)}`,
    });
    return true;
  }

  router.get('/holders', requireRole('desk'), async (req, res) => {
    const raw = typeof req.query.q === 'string' ? req.query.q : undefined;
    if (raw === undefined) {
      return sendPage(res, { title: 'Find a holder', body: searchForm('', undefined) });
    }
    const query = holderSearchSchema.safeParse(raw);
    const result = query.success ? await core.holders.search(query.data) : undefined;
    if (!query.success || result === undefined || !result.ok) {
      const text = 'Enter at least 2 characters of a name, email address, mobile number or card ID';
      return sendPage(res, {
        status: 400,
        title: 'Find a holder',
        hasErrors: true,
        beforeHeading: errorSummary([{ id: 'q', text }]),
        body: searchForm(raw.slice(0, 200), text),
      });
    }
    sendPage(res, {
      title: 'Find a holder',
      body: html`${searchForm(query.data, undefined)} ${searchResults(query.data, result.value)}`,
    });
  });

  router.get('/holders/:cardId', requireRole('desk'), async (req, res, next) => {
    const cardId = cardIdSchema.safeParse(req.params.cardId);
    const query = cardQuerySchema.safeParse(req.query);
    const before = query.success ? query.data.before : undefined;
    const shown =
      cardId.success && (await cardPage(res, cardId.data, before === undefined ? {} : { before }));
    if (!shown) next(new ConsoleRefusal('not-found'));
  });

  router.post('/holders/:cardId/:action', requireRole('desk'), async (req, res, next) => {
    const cardId = cardIdSchema.safeParse(req.params.cardId);
    const action = z.enum(HOLDER_ACTIONS).safeParse(req.params.action);
    if (!cardId.success || !action.success) return next(new ConsoleRefusal('not-found'));
    // A field sent twice (an array) is as good as none: the form then says what is missing.
    const body = actionFormSchema.safeParse(req.body ?? {});
    const form = body.success ? body.data : actionFormSchema.parse({});
    const sent = { action: action.data, form };
    const errors = actionFormErrors(action.data, form);
    if (errors.length > 0) {
      if (!(await cardPage(res, cardId.data, { sent, errors })))
        next(new ConsoleRefusal('not-found'));
      return;
    }
    const call = operatorCall(req, res, form.reason);
    const result = await run(core, action.data, cardId.data, form, call);
    if (!result.ok && result.error.code === 'NOT_FOUND')
      return next(new ConsoleRefusal('not-found'));
    const shown = result.ok
      ? await cardPage(res, cardId.data, { done: result.value })
      : await cardPage(res, cardId.data, {
          sent,
          errors: [domainError(action.data, result.error)],
        });
    if (!shown) next(new ConsoleRefusal('not-found'));
  });

  return router;
}
