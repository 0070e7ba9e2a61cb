import type { Kysely } from 'kysely';
import type { Repositories, UnitOfWork } from '../domain/repository-ports';
import {
  endAttempt,
  findAttempt,
  insertAttempt,
  markAnswered,
  recordRotation,
  releasePuk,
  retargetRotation,
  spendNonce,
} from './attempt-repository';
import {
  approveAttempt,
  countAudit,
  findByApprovalRef,
  issueApproval,
} from './approval-repository';
import { appendAudit, listAudit } from './audit-repository';
import {
  clearFailures,
  clearRegistration,
  findAnswers,
  findCard,
  freezeCard,
  recordFailure,
  replaceAnswerHash,
  replaceRegistration,
  unfreezeCard,
  upsertCard,
} from './card-repository';
import { notMeReportedAt, recordNotMeReport } from './not-me-repository';
import { recentAttempts, searchHolders, setContacts } from './holder-repository';
import { reportEvents } from './report-repository';
import { recordWrongCode, reserveSend, spendCode, storeCode, undoSend } from './code-repository';
import {
  commitPendingPuk,
  discardPendingPuk,
  listSealedPuks,
  pukReleasesOn,
  recordUnlock,
  resealPuk,
  reserveRelease,
  sealedPukCountsByKey,
  setPendingPuk,
} from './puk-repository';
import type { Database } from './schema';

/** The domain's repositories on one Kysely connection or transaction (the storage adapter). */
export function kyselyRepositories(db: Kysely<Database>): Repositories {
  return {
    attempts: {
      insert: (attempt, maxOpen) => insertAttempt(db, attempt, maxOpen),
      find: (attemptId, kind) => findAttempt(db, attemptId, kind),
      spendNonce: (attemptId, proved, now) => spendNonce(db, attemptId, proved, now),
      markAnswered: (attemptId, pending, now, maxFailures) =>
        markAnswered(db, attemptId, pending, now, maxFailures),
      reserveSend: (attemptId, maxSends, notAfter, now) =>
        reserveSend(db, attemptId, maxSends, notAfter, now),
      storeCode: (attemptId, reserved, codeHash, expiresAt, channel) =>
        storeCode(db, attemptId, reserved, codeHash, expiresAt, channel),
      undoSend: (attemptId, reserved, reservedAt, codeHash) =>
        undoSend(db, attemptId, reserved, reservedAt, codeHash),
      recordWrongCode: (attemptId, codeHash, max) => recordWrongCode(db, attemptId, codeHash, max),
      spendCode: (attemptId, codeHash, maxTries, next, now, maxFailures) =>
        spendCode(db, attemptId, codeHash, maxTries, next, now, maxFailures),
      issueApproval: (attemptId, refHash, expiresAt, max, now) =>
        issueApproval(db, attemptId, refHash, expiresAt, max, now),
      findByApprovalRef: (refHash) => findByApprovalRef(db, refHash),
      approve: (attemptId, refHash, operator, now) =>
        approveAttempt(db, attemptId, refHash, operator, now),
      releasePuk: (attemptId, now, maxFailures) => releasePuk(db, attemptId, now, maxFailures),
      end: (attemptId, reason, now, fromStates) =>
        endAttempt(db, attemptId, reason, now, fromStates),
      recordRotation: (attemptId, cardId, ref, now) =>
        recordRotation(db, attemptId, cardId, ref, now),
      retargetRotation: (cardId, before, after) => retargetRotation(db, cardId, before, after),
    },
    cards: {
      find: (cardId) => findCard(db, cardId),
      sealedPukCountsByKey: () => sealedPukCountsByKey(db),
      listSealedPuks: () => listSealedPuks(db),
      upsert: (card, now) => upsertCard(db, card, now),
      findAnswers: (cardId) => findAnswers(db, cardId),
      replaceRegistration: (cardId, answers, now) => replaceRegistration(db, cardId, answers, now),
      replaceAnswerHash: (cardId, questionId, before, after) =>
        replaceAnswerHash(db, cardId, questionId, before, after),
      clearRegistration: (cardId, now) => clearRegistration(db, cardId, now),
      recordFailure: (cardId, max, now) => recordFailure(db, cardId, max, now),
      clearFailures: (cardId, now) => clearFailures(db, cardId, now),
      freeze: (cardId, reason, now) => freezeCard(db, cardId, reason, now),
      unfreeze: (cardId, now) => unfreezeCard(db, cardId, now),
      reserveRelease: (cardId, day, max, now) => reserveRelease(db, cardId, day, max, now),
      pukReleasesOn: (cardId, day) => pukReleasesOn(db, cardId, day),
      setPendingPuk: (cardId, sealed, now) => setPendingPuk(db, cardId, sealed, now),
      commitPendingPuk: (cardId, expected, now) => commitPendingPuk(db, cardId, expected, now),
      discardPendingPuk: (cardId, expected, now) => discardPendingPuk(db, cardId, expected, now),
      recordUnlock: (cardId, now) => recordUnlock(db, cardId, now),
      resealPuk: (cardId, which, before, after) => resealPuk(db, cardId, which, before, after),
    },
    audit: {
      append: (entry) => appendAudit(db, entry),
      list: (filter) => listAudit(db, filter),
      count: (filter) => countAudit(db, filter),
    },
    notMeReports: {
      record: (report) => recordNotMeReport(db, report),
      reportedAt: (attemptId) => notMeReportedAt(db, attemptId),
    },
    holders: {
      search: (query, limit) => searchHolders(db, query, limit),
      recentAttempts: (cardId, limit) => recentAttempts(db, cardId, limit),
      setContacts: (cardId, contacts, now) => setContacts(db, cardId, contacts, now),
    },
    reports: {
      events: (range, kinds, markers) => reportEvents(db, range, kinds, markers),
    },
  };
}

/** The domain's unit of work as one Kysely transaction: a throw inside rolls it back. */
export function kyselyUnitOfWork(db: Kysely<Database>): UnitOfWork {
  return { run: (work) => db.transaction().execute((trx) => work(kyselyRepositories(trx))) };
}
