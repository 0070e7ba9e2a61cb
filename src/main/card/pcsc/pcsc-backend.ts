import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { err, ok, type Result } from '../../../shared/result';
import type {
  CardChannel,
  CardError,
  CardResult,
  PivOperation,
  PivOutcomes,
  ReaderBackend,
  ReaderEvent,
  ReaderInfo,
  UnblockStep,
} from '../types';
import {
  MAX_COMMAND_BYTES,
  pivOutcomeSchemas,
  workerMessageSchema,
  type WorkerData,
  type WorkerMessage,
  type WorkerRequest,
} from './protocol';

/**
 * The PC/SC reader backend (docs/pcsc.md): the binding runs in a worker thread (./pcsc-worker.ts),
 * so card I/O never blocks this thread; PIV operations run there whole, one message each way.
 */

/** Why the PC/SC backend could not start. */
interface PcscStartError {
  readonly code: 'pcsc-binding-missing' | 'pcsc-worker-failed';
  /** What to tell the person reading the log or the diagnostics screen. */
  readonly message: string;
  readonly detail: string;
}

/** Options for tests and packaging; the defaults suit the app. */
export interface PcscBackendOptions {
  /** The binding module (an optional dependency); tests name a missing one to check the error path. */
  readonly bindingModule?: string;
  /** How long one wait for reader changes lasts before the worker reads the reader list again. */
  readonly pollMs?: number;
  /** How often the worker tries the card service again while it is down. */
  readonly retryMs?: number;
  /** How long to watch a reader after a failed command before calling it a fault rather than a removal. */
  readonly settleMs?: number;
  /** The worker's built JavaScript file, when a bundler emits it somewhere other than beside this one. */
  readonly workerFile?: string;
  /**
   * For benchmarks: called, before the listeners, with each event a PC/SC status wait revealed and
   * when that wait returned in the worker (epoch ms, `performance.timeOrigin + performance.now()`).
   */
  readonly onEventReported?: (event: ReaderEvent, reportedAt: number) => void;
}

/**
 * Starts the worker and loads the binding in it. Resolves with the backend, or with a typed error
 * when the binding is missing (optional dependency not built) or the worker cannot start; never
 * throws.
 */
export async function createPcscBackend(
  options: PcscBackendOptions = {},
): Promise<Result<ReaderBackend, PcscStartError>> {
  const data: WorkerData = {
    bindingModule: options.bindingModule ?? 'smartcard',
    pollMs: options.pollMs ?? 1000,
    retryMs: options.retryMs ?? 500,
    settleMs: options.settleMs ?? 1500,
  };
  let worker: Worker;
  try {
    worker = spawnWorker(data, options.workerFile);
  } catch (error) {
    return err(workerFailed(error));
  }
  const started = await new Promise<Result<void, PcscStartError>>((resolve) => {
    const onMessage = (raw: unknown): void => {
      const message = workerMessageSchema.safeParse(raw);
      if (!message.success || message.data.type === 'event') return;
      cleanup();
      if (message.data.type === 'started') resolve(ok(undefined));
      else if (message.data.type === 'binding-missing') {
        resolve(
          err({
            code: 'pcsc-binding-missing',
            message:
              'The PC/SC binding (the optional "smartcard" package) is missing or did not build, so real card readers cannot be used. Reinstall with the PC/SC headers present (libpcsclite-dev on Linux), or use the mock reader.',
            detail: message.data.detail,
          }),
        );
      } else resolve(err(workerFailed(`unexpected first message ${message.data.type}`)));
    };
    const onError = (error: Error): void => {
      cleanup();
      resolve(err(workerFailed(error)));
    };
    const onExit = (code: number): void => {
      cleanup();
      resolve(err(workerFailed(`the worker exited with code ${code}`)));
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
  if (!started.ok) {
    await worker.terminate();
    return started;
  }
  return ok(new PcscBackend(worker, options.onEventReported));
}

function workerFailed(error: unknown): PcscStartError {
  return {
    code: 'pcsc-worker-failed',
    message: 'The card reader service of Smartcard Unlock could not start.',
    detail: error instanceof Error ? error.message : String(error),
  };
}

/**
 * Runs the built worker when there is one (the app's bundle puts pcsc-worker.js beside the main
 * entry), else the TypeScript source through tsx (development and tests), which a worker cannot
 * load by itself.
 */
function spawnWorker(data: WorkerData, workerFile: string | undefined): Worker {
  const here = fileURLToPath(import.meta.url);
  const built = workerFile ?? join(dirname(here), 'pcsc-worker.js');
  if (existsSync(built)) return new Worker(built, { workerData: data });
  const source = join(dirname(here), 'pcsc-worker.ts');
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const bootstrap = `require(${JSON.stringify(tsx)}).require(${JSON.stringify(source)}, ${JSON.stringify(source)});`;
  return new Worker(bootstrap, { eval: true, workerData: data });
}

type Reply = WorkerMessage | CardError;

/** A request waiting for its reply; `handle` names the channel it belongs to. */
interface Pending {
  readonly settle: (reply: Reply) => void;
  readonly handle?: number;
  readonly onStep?: (step: UnblockStep) => void;
}

/** A request as the adapter writes it: the worker's request without its id. */
type Request = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

const CLOSED: CardError = { code: 'io', detail: 'the connection is closed' };

class PcscBackend implements ReaderBackend {
  private readonly listeners = new Set<(event: ReaderEvent) => void>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopped: CardError | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly onEventReported?: (event: ReaderEvent, reportedAt: number) => void,
  ) {
    worker.on('message', (raw: unknown) => this.receive(raw));
    worker.on('error', (error) => this.fail(`the PC/SC worker failed: ${error.message}`));
    worker.on('exit', (code) => this.fail(`the PC/SC worker exited with code ${code}`));
  }

  async listReaders(): Promise<CardResult<readonly ReaderInfo[]>> {
    const reply = await this.request({ type: 'list' });
    if (!reply.ok) return reply;
    return reply.value.type === 'readers' ? ok(reply.value.readers) : err(unexpected(reply.value));
  }

  async connect(reader: string): Promise<CardResult<CardChannel>> {
    const reply = await this.request({ type: 'connect', reader });
    if (!reply.ok) return reply;
    if (reply.value.type !== 'connected') return err(unexpected(reply.value));
    const { handle, atr } = reply.value;
    let open = true;
    const refused = (): CardError | undefined => this.stopped ?? (open ? undefined : CLOSED);
    return ok({
      atr,
      transmit: async (command) => {
        const refusal = refused();
        if (refusal !== undefined) return err(refusal);
        if (command.length === 0 || command.length > MAX_COMMAND_BYTES) {
          return err({ code: 'io', detail: `a command APDU of ${command.length} bytes` });
        }
        const reply = await this.request({ type: 'transmit', handle, command }, { handle });
        if (!reply.ok) return reply;
        return reply.value.type === 'response'
          ? ok(reply.value.response)
          : err(unexpected(reply.value));
      },
      runPiv: <O extends PivOperation>(
        operation: O,
        options: { readonly passcodeTriesWhenVerified: number },
        onStep?: (step: UnblockStep) => void,
      ): Promise<PivOutcomes[O['op']]> => {
        const refusal = refused();
        if (refusal !== undefined) return Promise.resolve(failedOutcome(operation, refusal));
        return this.runPiv(handle, operation, options, onStep);
      },
      close: async () => {
        if (!open) return;
        open = false;
        // Work still in flight is answered now rather than whenever the card gives up.
        for (const [id, entry] of this.pending) {
          if (entry.handle !== handle) continue;
          this.pending.delete(id);
          entry.settle(CLOSED);
        }
        await this.request({ type: 'disconnect', handle });
      },
    });
  }

  onEvent(listener: (event: ReaderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.stopped !== undefined) return;
    await this.request({ type: 'close' });
    this.stopped = { code: 'io', detail: 'the PC/SC backend is closed' };
    this.settleAll(this.stopped);
    this.listeners.clear();
    await this.worker.terminate();
  }

  /** One PIV operation in the worker; the outcome is checked against the operation's schema. */
  private async runPiv<O extends PivOperation>(
    handle: number,
    operation: O,
    options: { readonly passcodeTriesWhenVerified: number },
    onStep?: (step: UnblockStep) => void,
  ): Promise<PivOutcomes[O['op']]> {
    let reached: UnblockStep | undefined;
    const heard = (step: UnblockStep): void => {
      reached = step;
      onStep?.(step);
    };
    const request: Request = {
      type: 'piv',
      handle,
      operation,
      passcodeTriesWhenVerified: options.passcodeTriesWhenVerified,
    };
    const reply = await this.request(request, { handle, onStep: heard });
    if (!reply.ok) return failedOutcome(operation, reply.error, reached);
    if (reply.value.type !== 'piv-done') {
      return failedOutcome(operation, unexpected(reply.value), reached);
    }
    const outcome = pivOutcomeSchemas[operation.op].safeParse(reply.value.outcome);
    if (!outcome.success) {
      const error: CardError = { code: 'io', detail: `malformed ${operation.op} outcome` };
      return failedOutcome(operation, error, reached);
    }
    return outcome.data as PivOutcomes[O['op']];
  }

  private request(
    message: Request,
    of: Omit<Pending, 'settle'> = {},
  ): Promise<CardResult<WorkerMessage>> {
    if (this.stopped !== undefined) return Promise.resolve(err(this.stopped));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, {
        ...of,
        settle: (reply) => {
          if ('code' in reply) resolve(err(reply));
          else if (reply.type === 'failed') resolve(err(reply.error));
          else resolve(ok(reply));
        },
      });
      this.worker.postMessage({ ...message, id });
    });
  }

  private receive(raw: unknown): void {
    const parsed = workerMessageSchema.safeParse(raw);
    if (!parsed.success) {
      console.error('PC/SC backend: ignored a malformed worker message', parsed.error.issues[0]);
      return;
    }
    const message = parsed.data;
    if (message.type === 'event') {
      if (message.reportedAt !== undefined)
        this.onEventReported?.(message.event, message.reportedAt);
      for (const listener of [...this.listeners]) listener(message.event);
      return;
    }
    if (!('id' in message)) return;
    if (message.type === 'piv-step') {
      this.pending.get(message.id)?.onStep?.(message.step);
      return;
    }
    const entry = this.pending.get(message.id);
    this.pending.delete(message.id);
    entry?.settle(message);
  }

  private settleAll(error: CardError): void {
    for (const entry of this.pending.values()) entry.settle(error);
    this.pending.clear();
  }

  private fail(detail: string): void {
    const unexpected = this.stopped === undefined;
    this.stopped ??= { code: 'io', detail };
    this.settleAll(this.stopped);
    // A dead worker is a card service that is not running, as far as the screens are concerned.
    if (unexpected) {
      for (const listener of [...this.listeners]) listener({ kind: 'service-down' });
    }
  }
}

/**
 * An operation that failed on the way: its error as the operation's outcome. An unblock says how
 * far it got by the steps heard, so a PUK rotated before the worker died is known to be.
 */
function failedOutcome<O extends PivOperation>(
  operation: O,
  error: CardError,
  reached?: UnblockStep,
): PivOutcomes[O['op']] {
  const outcome: PivOutcomes[PivOperation['op']] =
    operation.op === 'unblock' ? { done: reached ?? 'nothing', error } : err(error);
  return outcome as PivOutcomes[O['op']];
}

function unexpected(message: WorkerMessage): CardError {
  return { code: 'io', detail: `unexpected reply from the PC/SC worker: ${message.type}` };
}
