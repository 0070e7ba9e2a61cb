import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { performPivOperation, PivClient } from '../piv-client';
import type { CardChannel, CardError, CardErrorCode, CardResult, ReaderEvent } from '../types';
import {
  MAX_RESPONSE_BYTES,
  requestIdSchema,
  workerDataSchema,
  workerRequestSchema,
  type WorkerData,
  type WorkerMessage,
  type WorkerRequest,
} from './protocol';
import {
  cardError,
  cardPresent,
  classifyFailure,
  diffSnapshots,
  eventCount,
  failureDetail,
  knownState,
  toReaderInfo,
  type PcscFailure,
  type ReaderSnapshot,
} from './reader-state';

/**
 * The PC/SC worker thread, the only place the `smartcard` binding is loaded (docs/pcsc.md): it
 * watches readers, answers requests by id, and runs whole PIV operations on open cards.
 */

/** The parts of the binding this worker uses, checked when it loads (it is an optional dependency). */
interface Binding {
  readonly Context: new () => PcscContext;
  readonly SCARD_SHARE_SHARED: number;
  readonly SCARD_PROTOCOL_T0: number;
  readonly SCARD_PROTOCOL_T1: number;
  readonly SCARD_LEAVE_CARD: number;
}
interface PcscContext {
  listReaders(): PcscReader[];
  waitForChange(
    readers: { name: string; state: number }[],
    timeout: number,
  ): Promise<unknown[] | null>;
  cancel(): void;
  close(): void;
}
interface PcscReader {
  readonly name: string;
  readonly state: number;
  readonly atr: Uint8Array | null;
  connect(shareMode: number, protocol: number): Promise<PcscCard>;
}
interface PcscCard {
  readonly atr: Uint8Array | null;
  transmit(command: Buffer, options: { maxRecvLength: number }): Promise<Uint8Array>;
  disconnect(disposition: number): void;
}

/** pcsc-lite's pseudo-reader that wakes a status wait when readers come and go. */
const PNP_NOTIFICATION = '\\\\?PnP?\\Notification';

function asBinding(module: unknown): Binding {
  const candidate = (module as { default?: unknown }).default ?? module;
  const b = candidate as Partial<Binding>;
  if (
    typeof b.Context !== 'function' ||
    typeof b.SCARD_SHARE_SHARED !== 'number' ||
    typeof b.SCARD_LEAVE_CARD !== 'number'
  ) {
    throw new Error('the module does not look like the smartcard binding (no Context)');
  }
  return candidate as Binding;
}

interface OpenCard {
  readonly card: PcscCard;
  readonly reader: string;
  /** pcsc-lite's event count for the reader when we connected: a different count is a different insertion. */
  readonly insertion: number;
  /** The card's work in order: one command or operation at a time (APDU exchanges are stateful). */
  queue: Promise<void>;
  /** Set on disconnect: queued work is answered, not sent. */
  closed: boolean;
  /** Set when the card or the service went away: every later command gets this error. */
  lost?: CardErrorCode;
}

type Outcome = WorkerMessage | { ok: false; error: CardError };

class PcscService {
  private monitorContext: PcscContext | undefined;
  private opsContext: PcscContext | undefined;
  /** The operations context's readers as last listed: a connect reuses them (see `connect`). */
  private opsReaders = new Map<string, PcscReader>();
  private serviceUp: boolean | undefined;
  private snapshot: ReaderSnapshot[] = [];
  private readonly cards = new Map<number, OpenCard>();
  private nextHandle = 1;
  private closing = false;
  private wake: (() => void) | undefined;
  private monitorDone: Promise<void> = Promise.resolve();

  constructor(
    private readonly binding: Binding,
    private readonly config: WorkerData,
    private readonly send: (message: WorkerMessage) => void,
  ) {}

  start(): void {
    this.monitorDone = this.monitor();
  }

  async handle(request: WorkerRequest): Promise<void> {
    switch (request.type) {
      case 'list':
        return this.reply(request.id, () => {
          const readers = this.listOps();
          return readers.ok
            ? { type: 'readers', id: request.id, readers: toReaderInfo(readers.value.map(snap)) }
            : readers;
        });
      case 'connect':
        return this.reply(request.id, () => this.connect(request.id, request.reader));
      case 'transmit':
        return this.onCard(request.id, request.handle, async (open) => {
          const response = await this.transmit(open, request.command);
          return response.ok
            ? { type: 'response', id: request.id, response: response.value }
            : response;
        });
      case 'piv':
        return this.onCard(request.id, request.handle, async (open) => {
          const outcome = await performPivOperation(
            new PivClient(this.channelOf(open), {
              passcodeTriesWhenVerified: request.passcodeTriesWhenVerified,
            }),
            request.operation,
            (step) => this.send({ type: 'piv-step', id: request.id, step }),
          );
          return { type: 'piv-done', id: request.id, outcome };
        });
      case 'disconnect':
        return this.reply(request.id, () => {
          const open = this.cards.get(request.handle);
          this.cards.delete(request.handle);
          if (open !== undefined) {
            open.closed = true;
            disconnect(open.card, this.binding.SCARD_LEAVE_CARD);
          }
          return { type: 'done', id: request.id };
        });
      case 'close':
        await this.close();
        this.send({ type: 'done', id: request.id });
        return;
    }
  }

  private async reply(id: number, work: () => Outcome | Promise<Outcome>): Promise<void> {
    try {
      const outcome = await work();
      this.send('ok' in outcome ? { type: 'failed', id, error: outcome.error } : outcome);
    } catch (error) {
      this.send({ type: 'failed', id, error: cardError('io', failureDetail(error)) });
    }
  }

  /** Runs a synchronous call on the operations context, recreating it once if pcscd restarted. */
  private withOps<T>(
    call: (context: PcscContext) => T,
  ): { ok: true; value: T } | { ok: false; error: CardError } {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        this.opsContext ??= new this.binding.Context();
      } catch (error) {
        return { ok: false, error: cardError('service-down', failureDetail(error)) };
      }
      try {
        return { ok: true, value: call(this.opsContext) };
      } catch (error) {
        const failure = classifyFailure(error);
        if (failure !== 'no-service' && failure !== 'invalid-handle') throw error;
        this.dropOps();
      }
    }
    return { ok: false, error: cardError('service-down') };
  }

  /** Queues work on an open card, after what is already queued on it, and replies when it ends. */
  private onCard(id: number, handle: number, work: (open: OpenCard) => Promise<Outcome>): void {
    const open = this.cards.get(handle);
    const closed = { ok: false as const, error: cardError('io', 'the connection is closed') };
    if (open === undefined) {
      void this.reply(id, () => closed);
      return;
    }
    open.queue = open.queue.then(() => this.reply(id, () => (open.closed ? closed : work(open))));
  }

  /** The open card as a channel in this thread, for the PIV client that runs operations here. */
  private channelOf(open: OpenCard): CardChannel {
    return {
      atr: new Uint8Array(0),
      transmit: (command) => this.transmit(open, command),
      close: () => Promise.resolve(),
    };
  }

  /** Lists the readers on the operations context, keeping them for the next connects. */
  private listOps() {
    const readers = this.withOps((context) => context.listReaders());
    if (readers.ok) this.opsReaders = new Map(readers.value.map((r) => [r.name, r]));
    return readers;
  }

  /**
   * Connects to the card in `name`. When the monitor's last view shows it there, the reader as last
   * listed is reused with that view's insertion count (a listing costs pcscd round trips); anything
   * else, or a failed try, lists the readers again and answers from what that shows.
   */
  private async connect(id: number, name: string): Promise<Outcome> {
    const seen = this.snapshot.find((r) => r.name === name);
    const known = this.opsReaders.get(name);
    if (seen !== undefined && known !== undefined && cardPresent(seen.state)) {
      const reused = await this.connectTo(id, known, eventCount(seen.state), seen.atr ?? null);
      if (!('ok' in reused)) return reused;
    }
    const readers = this.listOps();
    if (!readers.ok) return readers;
    const reader = readers.value.find((r) => r.name === name);
    if (reader === undefined) return { ok: false, error: cardError('reader-missing', name) };
    if (!cardPresent(reader.state)) return { ok: false, error: cardError('card-absent', name) };
    return this.connectTo(id, reader, eventCount(reader.state), reader.atr);
  }

  private async connectTo(
    id: number,
    reader: PcscReader,
    insertion: number,
    atr: Uint8Array | null,
  ): Promise<Outcome> {
    try {
      const card = await reader.connect(
        this.binding.SCARD_SHARE_SHARED,
        this.binding.SCARD_PROTOCOL_T0 | this.binding.SCARD_PROTOCOL_T1,
      );
      const handle = this.nextHandle++;
      const open: OpenCard = {
        card,
        reader: reader.name,
        insertion,
        queue: Promise.resolve(),
        closed: false,
      };
      this.cards.set(handle, open);
      return { type: 'connected', id, handle, atr: new Uint8Array(atr ?? card.atr ?? []) };
    } catch (error) {
      return { ok: false, error: connectError(classifyFailure(error), failureDetail(error)) };
    }
  }

  /** One APDU; the command's bytes (a passcode, a PUK) are zeroed once the card has them. */
  private async transmit(open: OpenCard, command: Uint8Array): Promise<CardResult<Uint8Array>> {
    if (open.lost !== undefined) return { ok: false, error: cardError(open.lost) };
    try {
      const response = await open.card.transmit(
        Buffer.from(command.buffer, command.byteOffset, command.length),
        { maxRecvLength: MAX_RESPONSE_BYTES },
      );
      if (response.length < 2) {
        // No status word: the card never answered (vpcd passes an aborted exchange on as empty).
        throw new Error('the card answered without a status word');
      }
      return { ok: true, value: new Uint8Array(response) };
    } catch (error) {
      return { ok: false, error: await this.transmitError(open, error) };
    } finally {
      command.fill(0);
    }
  }

  /** Why a command failed: a pulled card and a stopped service are told apart from other faults. */
  private async transmitError(open: OpenCard, error: unknown): Promise<CardError> {
    const failure = classifyFailure(error);
    const detail = failureDetail(error);
    if (failure === 'card-removed' || failure === 'no-card') {
      open.lost = 'card-removed';
      return cardError('card-removed', detail);
    }
    if (failure === 'no-service') {
      open.lost = 'service-down';
      return cardError('service-down', detail);
    }
    // vpcd and some readers report a card pulled mid-command as a failed or empty exchange, and
    // notice the removal only at their next poll: watch the reader briefly before calling it a fault.
    const presence = await this.cardStays(open);
    if (presence === 'gone') {
      open.lost = 'card-removed';
      return cardError('card-removed', detail);
    }
    if (presence === 'service-down') {
      open.lost = 'service-down';
      return cardError('service-down', detail);
    }
    return cardError('io', detail);
  }

  /**
   * Whether the card we connected to is still in its reader, watched on a context of its own for up
   * to `settleMs` (a status wait holds its context, and the operations context serves other cards).
   */
  private async cardStays(open: OpenCard): Promise<'stays' | 'gone' | 'service-down'> {
    let context: PcscContext;
    try {
      context = new this.binding.Context();
    } catch {
      return 'service-down';
    }
    const sameCard = (state: number): boolean =>
      cardPresent(state) && eventCount(state) === open.insertion;
    try {
      const reader = context.listReaders().find((r) => r.name === open.reader);
      if (reader === undefined || !sameCard(reader.state)) return 'gone';
      let known = knownState(reader.state);
      const deadline = Date.now() + this.config.settleMs;
      for (let left = this.config.settleMs; left > 0; left = deadline - Date.now()) {
        const changes = await context.waitForChange([{ name: open.reader, state: known }], left);
        const change = changes?.[0] as { state?: unknown } | undefined;
        if (change === undefined || typeof change.state !== 'number') return 'stays';
        if (!sameCard(change.state)) return 'gone';
        known = knownState(change.state);
      }
      return 'stays';
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure === 'no-service' || failure === 'invalid-handle') return 'service-down';
      return failure === 'reader-gone' ? 'gone' : 'stays';
    } finally {
      closeQuietly(context);
    }
  }

  private async monitor(): Promise<void> {
    // When the last status wait returned (epoch ms): the events it reveals carry it (bench/client).
    let reportedAt: number | undefined;
    while (!this.closing) {
      if (this.monitorContext === undefined) {
        try {
          this.monitorContext = new this.binding.Context();
        } catch {
          this.markDown();
          await this.sleep(this.config.retryMs);
          continue;
        }
        this.markUp();
      }
      const context = this.monitorContext;
      try {
        const readers = context.listReaders();
        this.publish(readers.map(snap), reportedAt);
        if (this.closing) break;
        reportedAt = undefined;
        await context.waitForChange(
          [
            ...readers.map((r) => ({ name: r.name, state: knownState(r.state) })),
            { name: PNP_NOTIFICATION, state: 0 },
          ],
          this.config.pollMs,
        );
        reportedAt = performance.timeOrigin + performance.now();
      } catch (error) {
        if (this.closing) break;
        this.dropMonitor();
        const failure = classifyFailure(error);
        if (failure === 'no-service' || failure === 'invalid-handle') this.markDown();
        else await this.sleep(this.config.retryMs);
      }
    }
  }

  private publish(next: ReaderSnapshot[], reportedAt?: number): void {
    const events = diffSnapshots(this.snapshot, next);
    this.snapshot = next;
    for (const event of events) {
      if (event.kind === 'card-removed') this.loseCards(event.reader, 'card-removed');
      this.emit(event, reportedAt);
    }
  }

  private markDown(): void {
    if (this.serviceUp === false) return;
    this.serviceUp = false;
    for (const reader of this.snapshot) {
      if (cardPresent(reader.state)) this.emit({ kind: 'card-removed', reader: reader.name });
    }
    this.snapshot = [];
    this.loseCards(undefined, 'service-down');
    this.dropOps();
    this.dropMonitor();
    this.emit({ kind: 'service-down' });
  }

  private markUp(): void {
    if (this.serviceUp === false) this.emit({ kind: 'service-up' });
    this.serviceUp = true;
  }

  private loseCards(reader: string | undefined, why: CardErrorCode): void {
    for (const open of this.cards.values()) {
      if (reader === undefined || open.reader === reader) open.lost ??= why;
    }
  }

  private emit(event: ReaderEvent, reportedAt?: number): void {
    this.send(
      reportedAt === undefined ? { type: 'event', event } : { type: 'event', event, reportedAt },
    );
  }

  private dropOps(): void {
    const context = this.opsContext;
    this.opsContext = undefined;
    this.opsReaders = new Map();
    if (context !== undefined) closeQuietly(context);
  }

  private dropMonitor(): void {
    const context = this.monitorContext;
    this.monitorContext = undefined;
    if (context !== undefined) closeQuietly(context);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async close(): Promise<void> {
    this.closing = true;
    this.wake?.();
    try {
      this.monitorContext?.cancel();
    } catch {
      // Already gone with the service: nothing to cancel.
    }
    await this.monitorDone;
    for (const open of this.cards.values()) {
      open.closed = true;
      disconnect(open.card, this.binding.SCARD_LEAVE_CARD);
    }
    this.cards.clear();
    this.dropMonitor();
    this.dropOps();
  }
}

function snap(reader: PcscReader): ReaderSnapshot {
  const state = knownState(reader.state);
  return reader.atr !== null && reader.atr.length > 0
    ? { name: reader.name, state, atr: new Uint8Array(reader.atr) }
    : { name: reader.name, state };
}

function connectError(failure: PcscFailure, detail: string): CardError {
  switch (failure) {
    case 'no-service':
    case 'invalid-handle':
      return cardError('service-down', detail);
    case 'no-card':
      return cardError('card-absent', detail);
    case 'card-removed':
      return cardError('card-removed', detail);
    case 'reader-gone':
      return cardError('reader-missing', detail);
    case 'sharing':
      return cardError('io', `another program holds the card exclusively (${detail})`);
    case 'cancelled':
    case 'timeout':
    case 'other':
      return cardError('io', detail);
  }
}

function disconnect(card: PcscCard, disposition: number): void {
  try {
    // LEAVE_CARD: other programs (the login middleware) keep their view of the card.
    card.disconnect(disposition);
  } catch {
    // The card or the service is already gone: the handle is dead either way.
  }
}

function closeQuietly(context: PcscContext): void {
  try {
    context.close();
  } catch {
    // A context of a stopped service cannot be released any further.
  }
}

async function main(port: MessagePort): Promise<void> {
  const config = workerDataSchema.parse(workerData);
  let binding: Binding;
  try {
    binding = asBinding(await import(config.bindingModule));
  } catch (error) {
    port.postMessage({ type: 'binding-missing', detail: failureDetail(error) });
    port.close();
    return;
  }
  const service = new PcscService(binding, config, (message) => port.postMessage(message));
  port.on('message', (raw: unknown) => {
    const request = workerRequestSchema.safeParse(raw);
    if (!request.success) {
      // Answered when it has an id, so the adapter never waits for ever; the values are not logged.
      const known = requestIdSchema.safeParse(raw);
      console.error('PC/SC worker: refused a malformed request', request.error.issues[0]?.path);
      if (known.success) {
        const error = cardError('io', 'the PC/SC worker refused a malformed request');
        port.postMessage({ type: 'failed', id: known.data.id, error });
      }
      return;
    }
    void service.handle(request.data).then(() => {
      if (request.data.type === 'close') port.close();
    });
  });
  service.start();
  port.postMessage({ type: 'started' });
}

if (parentPort !== null) void main(parentPort);
