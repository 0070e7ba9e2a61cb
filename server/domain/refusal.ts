import { err } from '../../src/shared/result';
import type { ErrorCode } from '../../src/shared/errors';
import type { DomainDeps } from './deps';
import type { DomainError, DomainResult, RequestContext } from './ports';
import type { AuditRepository } from './repository-ports';

/** Who an audit row names: a request, or an operator (the admin CLI has no request id). */
type AuditSource =
  RequestContext | { readonly sourceAddress: string; readonly requestId: string | null };

/** What a step's audit rows say besides their outcome. */
interface AuditLine {
  readonly cardId: string | null;
  readonly attemptId: string | null;
  readonly action: string;
  readonly detail?: string;
}

/** A failure as a value. */
export const fail = (code: DomainError['code'], details?: DomainError['details']) =>
  err<DomainError>(details === undefined ? { code } : { code, details });

/** One audit line about a step; outcome is `ok` or the error code. */
export async function audit(
  deps: DomainDeps,
  source: AuditSource,
  entry: AuditLine & { readonly outcome: string },
  /** A transaction's trail, when the line must commit with the step it records. */
  trail: AuditRepository = deps.repos.audit,
): Promise<void> {
  await trail.append({
    at: deps.now().toISOString(),
    sourceAddress: source.sourceAddress,
    requestId: source.requestId,
    ...entry,
  });
}

/** Audits a refused step under its own outcome and returns the refusal: one shape for all. */
export async function refuse(
  deps: DomainDeps,
  ctx: RequestContext,
  entry: AuditLine,
  code: ErrorCode,
  details?: DomainError['details'],
): Promise<DomainResult<never>> {
  await audit(deps, ctx, { ...entry, outcome: code });
  return fail(code, details);
}
