import { err, ok } from '../../../shared/result';
import type { CardChannel, CardResult, ReaderBackend, ReaderEvent, ReaderInfo } from '../types';
import type { VirtualPivCard } from './virtual-piv-card';

/** The reader's name in mock mode. */
export const MOCK_READER_NAME = 'Smartcard Unlock Virtual Reader';

/**
 * The app's offline mock reader: one reader holding a VirtualPivCard in process, with controls to
 * insert, remove and lock the card. A channel is bound to one insertion: once the card is
 * removed, it fails with `card-removed`, even after the card is put back.
 */
export class MockReaderBackend implements ReaderBackend {
  private readonly listeners = new Set<(event: ReaderEvent) => void>();
  private inserted = false;
  /** Counts insertions, so a channel can tell that its card has gone. */
  private insertion = 0;
  private closed = false;

  constructor(
    readonly card: VirtualPivCard,
    readonly readerName: string = MOCK_READER_NAME,
    options: { readonly inserted?: boolean } = {},
  ) {
    if (options.inserted ?? true) this.insertQuietly();
  }

  /** Whether the card is in the reader. */
  get hasCard(): boolean {
    return this.inserted;
  }

  /** Puts the card in the reader (power-on: a fresh session); no-op when it is already in. */
  insert(): void {
    if (this.inserted) return;
    this.insertQuietly();
    this.emit({ kind: 'card-inserted', reader: this.readerName, atr: this.card.atr });
    this.emit({ kind: 'readers-changed', readers: this.readers() });
  }

  /** Takes the card out; open channels fail with `card-removed` from now on. */
  remove(): void {
    if (!this.inserted) return;
    this.inserted = false;
    this.card.reset();
    this.emit({ kind: 'card-removed', reader: this.readerName });
    this.emit({ kind: 'readers-changed', readers: this.readers() });
  }

  /** Blocks the card's passcode, as three wrong passcodes would. */
  lock(): void {
    this.card.lock();
  }

  /** The one reader, with or without its card. */
  listReaders(): Promise<CardResult<readonly ReaderInfo[]>> {
    return Promise.resolve(ok(this.readers()));
  }

  /** Connects to the card; `reader-missing` for another name, `card-absent` when it is out. */
  connect(reader: string): Promise<CardResult<CardChannel>> {
    if (this.closed || reader !== this.readerName) {
      return Promise.resolve(err({ code: 'reader-missing', detail: `no reader named ${reader}` }));
    }
    if (!this.inserted) return Promise.resolve(err({ code: 'card-absent' }));
    const insertion = this.insertion;
    const present = (): boolean => this.inserted && this.insertion === insertion;
    let open = true;
    const channel: CardChannel = {
      atr: this.card.atr,
      transmit: (command) => {
        if (!present()) return Promise.resolve(err({ code: 'card-removed' }));
        if (!open) return Promise.resolve(err({ code: 'io', detail: 'the channel is closed' }));
        return Promise.resolve(ok(this.card.process(command)));
      },
      close: () => {
        open = false;
        return Promise.resolve();
      },
    };
    return Promise.resolve(ok(channel));
  }

  /** Subscribes to insertion and removal events. */
  onEvent(listener: (event: ReaderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops events; later connections fail. */
  close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    return Promise.resolve();
  }

  private insertQuietly(): void {
    this.inserted = true;
    this.insertion += 1;
    this.card.reset();
  }

  private readers(): readonly ReaderInfo[] {
    return [
      this.inserted
        ? { name: this.readerName, hasCard: true, atr: this.card.atr }
        : { name: this.readerName, hasCard: false },
    ];
  }

  private emit(event: ReaderEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
