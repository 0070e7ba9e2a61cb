import type { ReaderStatus } from '../../shared/ipc-contract';
import { err, ok } from '../../shared/result';
import { PivClient } from '../card/piv-client';
import type { CardResult, ReaderBackend, ReaderEvent, ReaderInfo } from '../card/types';
import type { CardAccess, CardHandle } from '../flows/card-work';
import type { Logger } from '../logging/logger';
import { readerStatusFrom, unavailableReason } from './reader-status';

/**
 * Follows the reader backend's events and keeps the start screen's status current; tells the
 * flows when the card in the selected reader goes away; opens that card for a flow step.
 */
export class ReaderMonitor implements CardAccess {
  private readers: readonly ReaderInfo[] = [];
  private serviceUp = true;
  private chosen: string | null = null;
  private current: ReaderStatus;
  private unsubscribe: (() => void) | null = null;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    private readonly backend: ReaderBackend,
    private readonly options: {
      readonly configured: string | null;
      readonly mock: boolean;
      readonly logger: Logger;
      readonly onStatus: (status: ReaderStatus) => void;
      readonly onCardRemoved: () => void;
    },
  ) {
    this.current = this.compute();
  }

  /** Subscribes to the backend and reads the readers once. */
  async start(): Promise<void> {
    this.unsubscribe = this.backend.onEvent((event) => this.onEvent(event));
    await this.refresh();
  }

  /** The status now. */
  status(): ReaderStatus {
    return this.current;
  }

  /** The user picks a reader when several hold a card. */
  async choose(readerName: string): Promise<ReaderStatus> {
    this.chosen = readerName;
    await this.refresh();
    return this.current;
  }

  /** Re-reads the readers (serialised, so statuses arrive in order). */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(async () => {
      const listed = await this.backend.listReaders();
      if (listed.ok) {
        this.serviceUp = true;
        this.readers = listed.value;
      } else {
        this.serviceUp = listed.error.code !== 'service-down';
        this.readers = [];
      }
      this.update();
    });
    return this.refreshing;
  }

  /** Opens the card in the selected reader with a PIV client over it. */
  async open(): Promise<CardResult<CardHandle>> {
    await this.refreshing;
    const reason = unavailableReason(this.current);
    if (reason !== null || this.current.selectedReader === null) {
      return err({ code: reason ?? 'card-absent' });
    }
    const channel = await this.backend.connect(this.current.selectedReader);
    if (!channel.ok) return channel;
    return ok({ card: new PivClient(channel.value), close: () => channel.value.close() });
  }

  /** Stops following the backend. */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private onEvent(event: ReaderEvent): void {
    switch (event.kind) {
      case 'service-down':
        this.serviceUp = false;
        this.readers = [];
        this.update();
        return;
      case 'card-removed':
        // Act at once, before the re-read: the flow must stop sending to a card that has gone.
        if (event.reader === this.current.selectedReader) this.options.onCardRemoved();
        void this.refresh();
        return;
      case 'readers-changed':
        this.serviceUp = true;
        this.readers = event.readers;
        this.update();
        return;
      case 'service-up':
      case 'card-inserted':
        void this.refresh();
        return;
    }
  }

  private compute(): ReaderStatus {
    return readerStatusFrom({
      serviceUp: this.serviceUp,
      readers: this.readers,
      configured: this.options.configured,
      chosen: this.chosen,
      mock: this.options.mock,
    });
  }

  private update(): void {
    const before = this.current;
    const next = this.compute();
    this.current = next;
    if (JSON.stringify(before) === JSON.stringify(next)) return;
    const hadCard = before.state === 'card-present' && before.selectedReader !== null;
    const stillThere =
      next.state === 'card-present' && next.selectedReader === before.selectedReader;
    if (hadCard && !stillThere) this.options.onCardRemoved();
    this.options.logger.debug('reader status', { state: next.state, reader: next.selectedReader });
    this.options.onStatus(next);
  }
}
