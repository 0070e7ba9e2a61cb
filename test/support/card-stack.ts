import { fileURLToPath } from 'node:url';
import { createPcscBackend, type PcscBackendOptions } from '../../src/main/card/pcsc/pcsc-backend';
import { PivClient } from '../../src/main/card/piv-client';
import type { CardChannel, ReaderBackend } from '../../src/main/card/types';
import { startPcscd, type Pcscd } from './pcscd';
import { recordEvents, type EventRecorder } from './reader-events';
import { spawnVirtualCard, type VirtualCardProcess } from './virtual-card-process';

/** The echo card's process entry (the CLI runner with the echo card). */
export const ECHO_CARD_ENTRY = fileURLToPath(new URL('./echo-card-process.ts', import.meta.url));

/** The virtual PIV card CLI that leaves the reader on one instruction (`PULL_ON_INS`). */
export const PIV_PULL_CARD_ENTRY = fileURLToPath(
  new URL('./piv-pull-card-process.ts', import.meta.url),
);

/** The real virtual PIV card CLI (`npm run virtual-card`). */
export const VIRTUAL_CARD_CLI = fileURLToPath(
  new URL('../../src/main/card/virtual/cli.ts', import.meta.url),
);

/** A private pcscd, the PC/SC backend on it, its recorded events, and the card processes started. */
export interface CardStack {
  readonly pcscd: Pcscd;
  readonly backend: ReaderBackend;
  readonly events: EventRecorder;
  /** Starts a virtual card process (`entry` with `args`, `env` added) that the stack stops at the end. */
  spawnCard(
    entry: string,
    args: readonly string[],
    env?: Readonly<Record<string, string>>,
  ): VirtualCardProcess;
  /** Starts the echo card in the reader on `port`. */
  spawnEchoCard(port: number): VirtualCardProcess;
  /**
   * A PIV client on the card in `reader`, with the PIV application selected (throws otherwise);
   * its connection closes with the stack.
   */
  pivClient(reader: string): Promise<PivClient>;
  dispose(): Promise<void>;
}

/**
 * Starts pcscd, points this process's libpcsclite at it (before the binding first connects, since
 * libpcsclite reads PCSCLITE_CSOCK_NAME once), and creates the backend.
 */
export async function startCardStack(options: PcscBackendOptions = {}): Promise<CardStack> {
  const pcscd = await startPcscd();
  Object.assign(process.env, pcscd.env);
  const created = await createPcscBackend({ retryMs: 100, ...options });
  if (!created.ok) {
    await pcscd.dispose();
    throw new Error(`${created.error.message} (${created.error.detail})`);
  }
  const backend = created.value;
  const events = recordEvents(backend);
  const cards: VirtualCardProcess[] = [];
  const channels: CardChannel[] = [];
  const spawnCard = (
    entry: string,
    args: readonly string[],
    env: Readonly<Record<string, string>> = {},
  ): VirtualCardProcess => {
    const card = spawnVirtualCard(entry, args, env);
    cards.push(card);
    return card;
  };
  return {
    pcscd,
    backend,
    events,
    spawnCard,
    spawnEchoCard: (port) =>
      spawnCard(ECHO_CARD_ENTRY, ['--profile', 'unused', '--port', String(port)]),
    pivClient: async (reader) => {
      const channel = await backend.connect(reader);
      if (!channel.ok) throw new Error(`connect ${reader}: ${JSON.stringify(channel.error)}`);
      channels.push(channel.value);
      const client = new PivClient(channel.value);
      const selected = await client.select();
      if (!selected.ok) throw new Error(`select on ${reader}: ${JSON.stringify(selected.error)}`);
      return client;
    },
    dispose: async () => {
      await Promise.all(channels.map((channel) => channel.close()));
      await Promise.all(cards.map((card) => card.stop()));
      events.stop();
      await backend.close();
      await pcscd.dispose();
    },
  };
}
