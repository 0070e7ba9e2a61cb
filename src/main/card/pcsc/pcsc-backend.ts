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
  ReaderBackend,
  ReaderEvent,
  ReaderInfo,
} from '../types';
import { workerMessageSchema, type WorkerData, type WorkerMessage } from './protocol';

/**
 * The PC/SC reader backend: real readers through pcscd (or WinSCard), and the virtual card through
 * pcscd's vpcd driver. The native binding runs in a worker thread (./pcsc-worker.ts), so card I/O
 * never blocks the caller's event loop, which in the app is Electron's main thread.
 */

/** Why the PC/SC backend could not start. */
export interface PcscStartError {
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

type Pending = (message: WorkerMessage | CardError) => void;

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
    return ok({
      atr,
      transmit: async (command) => {
        if (!open) return err({ code: 'io', detail: 'the connection is closed' });
        const response = await this.request({ type: 'transmit', handle, command });
        if (!response.ok) return response;
        return response.value.type === 'response'
          ? ok(response.value.response)
          : err(unexpected(response.value));
      },
      close: async () => {
        if (!open) return;
        open = false;
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
    this.listeners.clear();
    await this.worker.terminate();
  }

  private request(
    message:
      | { type: 'list' }
      | { type: 'connect'; reader: string }
      | { type: 'transmit'; handle: number; command: Uint8Array }
      | { type: 'disconnect'; handle: number }
      | { type: 'close' },
  ): Promise<CardResult<WorkerMessage>> {
    if (this.stopped !== undefined) return Promise.resolve(err(this.stopped));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, (reply) => {
        if ('code' in reply) resolve(err(reply));
        else if (reply.type === 'failed') resolve(err(reply.error));
        else resolve(ok(reply));
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
    const settle = this.pending.get(message.id);
    this.pending.delete(message.id);
    settle?.(message);
  }

  private fail(detail: string): void {
    const unexpected = this.stopped === undefined;
    this.stopped ??= { code: 'io', detail };
    for (const settle of this.pending.values()) settle(this.stopped);
    this.pending.clear();
    // A dead worker is a card service that is not running, as far as the screens are concerned.
    if (unexpected) {
      for (const listener of [...this.listeners]) listener({ kind: 'service-down' });
    }
  }
}

function unexpected(message: WorkerMessage): CardError {
  return { code: 'io', detail: `unexpected reply from the PC/SC worker: ${message.type}` };
}
