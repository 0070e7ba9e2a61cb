import { generateKeyPairSync, randomInt, type KeyObject } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  errorResponseSchema,
  startAttemptResponseSchema,
  unblockAuthorisationSchema,
  unlockProofResponseSchema,
  type UnblockAuthorisation,
} from '../src/shared/http-api';
import {
  carriesCode,
  codeInMail,
  type ReceivedMail,
  type TestSmtpServer,
} from '../test/support/smtp';
import { proofFor } from '../test/integration/server/support/real-server';

/** The answers every scripted holder registers; a holder set to fail gives a wrong pet. */
const ANSWERS: Readonly<Record<string, string>> = {
  'first-school': 'St Mary’s Primary',
  'first-pet': 'Biscuit the Dog',
};
/** A request unanswered this long is a hang, which the outage must never cause. */
export const HANG_MS = 30_000;
/** How long a holder told "try again" waits before pressing Try again. */
const TRY_AGAIN_MS = 500;
/** A holder starts again from the card at most this often before the bench gives up on it. */
const MAX_STARTS = 20;

/** A scripted holder: the card's keys and its PUK as the chip holds it, and what they will do. */
export interface ScriptedHolder {
  readonly cardId: string;
  readonly email: string;
  /** Their workstation's address, sent as X-Forwarded-For, so per-address limits apply as live. */
  readonly address: string;
  /** Answers wrong until self-service locks, instead of unlocking. */
  readonly answersWrong: boolean;
  readonly pivAuthentication: KeyObject;
  readonly cardAuthentication: KeyObject;
  readonly spki: { readonly '9A': Uint8Array; readonly '9E': Uint8Array };
  /** The PUK the (simulated) chip holds: imported, then whatever the holder rotated it to. */
  puk: string;
}

/** `count` holders with fresh keys; every `wrongEvery`-th answers wrong. */
export function makeHolders(count: number, wrongEvery: number): ScriptedHolder[] {
  return Array.from({ length: count }, (_, i) => {
    const a = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const e = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const spki = (k: KeyObject) => new Uint8Array(k.export({ type: 'spki', format: 'der' }));
    return {
      cardId: (0x5ca1e000 + i).toString(16).padStart(32, '0'),
      email: `scale.holder${i}@nhs.net`,
      address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      answersWrong: i % wrongEvery === wrongEvery - 1,
      pivAuthentication: a.privateKey,
      cardAuthentication: e.privateKey,
      spki: { '9A': spki(a.publicKey), '9E': spki(e.publicKey) },
      puk: String(randomInt(10_000_000, 100_000_000)),
    };
  });
}

/** Every code mail, by recipient, in arrival order: holders wait on their own. */
export class Mailboxes {
  readonly #mail = new Map<string, ReceivedMail[]>();
  readonly #waiters = new Map<string, (() => void)[]>();

  /** Files every mail the SMTP server receives from now on, for as long as it runs. */
  constructor(smtp: TestSmtpServer) {
    void (async () => {
      for (let at = smtp.received.length; ; at += 1) {
        const mail = await smtp.nextMail(at);
        for (const to of mail.to) {
          if (!carriesCode(mail)) continue;
          this.#mail.set(to, [...(this.#mail.get(to) ?? []), mail]);
          for (const wake of this.#waiters.get(to)?.splice(0) ?? []) wake();
        }
      }
    })();
  }

  /** How many code mails `to` has had. */
  count(to: string): number {
    return this.#mail.get(to)?.length ?? 0;
  }

  /** The code of the first mail to `to` after the first `after`, waiting for it to arrive. */
  async codeAfter(to: string, after: number): Promise<string> {
    while (this.count(to) <= after) {
      await new Promise<void>((wake) =>
        this.#waiters.set(to, [...(this.#waiters.get(to) ?? []), wake]),
      );
    }
    return codeInMail(this.#mail.get(to)![this.count(to) - 1]!);
  }
}

/** What the server acknowledged, as its audit trail must show it: action and outcome. */
export interface Acknowledged {
  readonly attemptId: string;
  readonly action: string;
  readonly outcome: string;
}

/** What a holder saw through the run: their answers, acknowledgements, waits and troubles. */
export interface HolderRecord {
  /** `unlocked`, `locked` (answered wrong to the end), or why the bench gave up on them. */
  result: string;
  readonly acknowledged: Acknowledged[];
  /** Authorisations received, by attempt: a second attempt's release would be a doubled one. */
  readonly releasedTo: Set<string>;
  /** "Try again" answers (503 SERVICE_UNAVAILABLE with Retry-After), and other surprises. */
  tryAgain: number;
  starts: number;
  /** The slowest answer this holder waited for: ms, and the step and status. */
  slowest: { ms: number; what: string };
  /** Why the holder started again from the card: the step and the code that sent them back. */
  readonly startedAgain: string[];
  readonly unexpected: string[];
}

/** A server's answer: its status, its body (parsed by the step that wanted it) and any error. */
interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly error: { readonly code: string; readonly message: string } | undefined;
  readonly retryAfter: string | null;
}

/** The error a holder's script raises to start again from the card (as "Start again" does). */
class StartAgain extends Error {}

/** Whether an answer is the database outage's "try again": 503, its code, a message, Retry-After. */
function isTryAgain(answer: Answer): boolean {
  return (
    answer.status === 503 &&
    answer.error?.code === 'SERVICE_UNAVAILABLE' &&
    answer.error.message.length > 0 &&
    answer.retryAfter !== null
  );
}

/**
 * One holder's unlock against `url`, as the app runs it (start, proof, answers, code, unblock,
 * the card's PUK rotated, outcome), pressing Try again on the outage's 503 and starting again from
 * the card when a step is found already done. Never throws: what happened is in the record.
 */
export async function unlockAsHolder(
  holder: ScriptedHolder,
  url: string,
  mailboxes: Mailboxes,
): Promise<HolderRecord> {
  const record: HolderRecord = {
    result: 'unfinished',
    acknowledged: [],
    releasedTo: new Set(),
    tryAgain: 0,
    starts: 0,
    slowest: { ms: 0, what: '' },
    startedAgain: [],
    unexpected: [],
  };
  const call = async (path: string, body?: unknown): Promise<Answer> => {
    for (;;) {
      const began = performance.now();
      let res: Response;
      try {
        res = await fetch(url + path, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-forwarded-for': holder.address,
          },
          body: JSON.stringify(body ?? {}),
          signal: AbortSignal.timeout(HANG_MS),
        });
      } catch (error) {
        const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new Error(`${path.split('/').pop()}: no answer (${why})`, { cause: error });
      }
      const text = await res.text();
      const ms = performance.now() - began;
      if (ms > record.slowest.ms) {
        record.slowest = { ms, what: `${path.split('/').pop() ?? ''} ${res.status}` };
      }
      const json: unknown = text === '' ? undefined : JSON.parse(text);
      const answer: Answer = {
        status: res.status,
        body: json,
        error: errorResponseSchema.safeParse(json).data?.error,
        retryAfter: res.headers.get('retry-after'),
      };
      if (!isTryAgain(answer)) return answer;
      record.tryAgain += 1;
      await delay(TRY_AGAIN_MS);
    }
  };
  const expect = (step: string, answer: Answer, ...wanted: number[]): void => {
    if (wanted.includes(answer.status)) return;
    const code = answer.error?.code ?? '';
    // A step retried after a lost answer may find itself done: start again, as a holder would.
    if (
      record.tryAgain > 0 &&
      ['ATTEMPT_STATE', 'PROOF_INVALID', 'ATTEMPT_EXPIRED', 'ATTEMPT_NOT_FOUND'].includes(code)
    ) {
      throw new StartAgain(`${step}: ${code}`);
    }
    throw new Error(`${step}: ${answer.status} ${code}`.trim());
  };
  const ack = (attemptId: string, action: string, outcome = 'ok') =>
    record.acknowledged.push({ attemptId, action: `unlock.${action}`, outcome });

  while (record.result === 'unfinished') {
    if (record.starts >= MAX_STARTS) {
      record.result = `gave up after ${MAX_STARTS} starts`;
      break;
    }
    record.starts += 1;
    try {
      const started = await call('/v1/unlock/attempts', { cardId: holder.cardId });
      expect('start', started, 201);
      const { attemptId, nonce } = startAttemptResponseSchema.parse(started.body);
      ack(attemptId, 'start');
      const base = `/v1/unlock/attempts/${attemptId}`;
      const proved = await call(`${base}/card-proof`, {
        signature: proofFor(holder, 'unlock', attemptId, nonce),
      });
      expect('proof', proved, 200);
      ack(attemptId, 'proof');
      const { questions } = unlockProofResponseSchema.parse(proved.body);
      if (holder.answersWrong) {
        record.result = await answerWrongUntilLocked(holder, base, questions, call, ack, attemptId);
        break;
      }
      const mailsBefore = mailboxes.count(holder.email);
      const answered = await call(`${base}/answers`, answersTo(questions, false));
      expect('answers', answered, 200);
      ack(attemptId, 'answers');
      const code = await mailboxes.codeAfter(holder.email, mailsBefore);
      const checked = await call(`${base}/code`, { code });
      expect('code', checked, 200);
      ack(attemptId, 'code');
      const released = await call(`${base}/unblock`);
      expect('unblock', released, 200);
      ack(attemptId, 'puk-release');
      record.releasedTo.add(attemptId);
      rotateOnCard(holder, unblockAuthorisationSchema.parse(released.body));
      const reported = await call(`${base}/outcome`, { outcome: 'unlocked', pukOnCard: 'next' });
      if (reported.status === 204) ack(attemptId, 'outcome');
      // The outcome's answer was lost after it ended the attempt: the card is unlocked all the same.
      else if (reported.error?.code !== 'ATTEMPT_STATE' || record.tryAgain === 0) {
        expect('outcome', reported, 204);
      }
      record.result = 'unlocked';
    } catch (error) {
      if (error instanceof StartAgain) {
        record.startedAgain.push(error.message);
        continue;
      }
      record.unexpected.push(error instanceof Error ? error.message : String(error));
      record.result = 'failed';
    }
  }
  return record;
}

/** The chip's side of the unblock: it opens with the PUK it holds, then takes the next one. */
function rotateOnCard(holder: ScriptedHolder, authorisation: UnblockAuthorisation): void {
  const opens = [authorisation.puk, authorisation.unconfirmedPuk].includes(holder.puk);
  if (!opens) throw new Error('unblock: neither PUK released opens the card (a lost rotation)');
  holder.puk = authorisation.nextPuk;
}

async function answerWrongUntilLocked(
  holder: ScriptedHolder,
  base: string,
  questions: readonly { id: string }[],
  call: (path: string, body?: unknown) => Promise<Answer>,
  ack: (attemptId: string, action: string, outcome?: string) => void,
  attemptId: string,
): Promise<string> {
  for (let tries = 0; tries < 20; tries += 1) {
    const answered = await call(`${base}/answers`, answersTo(questions, true));
    const code = answered.error?.code ?? '';
    if (answered.status === 422 && code === 'ANSWERS_WRONG') ack(attemptId, 'answers', code);
    else if (answered.status === 423 && code === 'SELF_SERVICE_LOCKED') {
      ack(attemptId, 'answers', code);
      return 'locked';
    } else throw new Error(`wrong answers: ${answered.status} ${code}`);
  }
  throw new Error(`${holder.cardId}: twenty wrong answers and not locked`);
}

/** The answers to the questions asked: the registered ones, or a wrong pet. */
function answersTo(questions: readonly { id: string }[], wrong: boolean): unknown {
  return {
    answers: questions.map(({ id }) => ({
      questionId: id,
      answer: wrong && id === 'first-pet' ? 'Rex' : (ANSWERS[id] ?? ''),
    })),
  };
}

/** The registration's chosen questions and answers. */
export const REGISTRATION_ANSWERS = {
  answers: Object.entries(ANSWERS).map(([questionId, answer]) => ({ questionId, answer })),
};
