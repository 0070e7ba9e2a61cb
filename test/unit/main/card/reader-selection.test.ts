import { describe, expect, it } from 'vitest';
import { selectReader } from '../../../../src/main/card/reader-selection';
import type { ReaderInfo } from '../../../../src/main/card/types';

const reader = (name: string, hasCard: boolean): ReaderInfo => ({ name, hasCard });

describe('selectReader', () => {
  it('says reader-missing when no reader is attached', () => {
    expect(selectReader([])).toEqual({ ok: false, error: { code: 'reader-missing' } });
    expect(selectReader([], 'Configured')).toEqual({
      ok: false,
      error: { code: 'reader-missing' },
    });
  });

  it('takes the configured reader when it is attached, even if another one has the card', () => {
    const readers = [reader('Desk', false), reader('Keyboard', true)];
    expect(selectReader(readers, 'Desk')).toEqual({ ok: true, value: reader('Desk', false) });
  });

  it('falls back to the usual rules when the configured reader is not attached', () => {
    const readers = [reader('Desk', false), reader('Keyboard', true)];
    expect(selectReader(readers, 'Elsewhere')).toEqual({
      ok: true,
      value: reader('Keyboard', true),
    });
  });

  it('takes the only reader with a card among several', () => {
    const readers = [reader('A', false), reader('B', true), reader('C', false)];
    expect(selectReader(readers)).toEqual({ ok: true, value: reader('B', true) });
  });

  it('asks the user when several readers hold a card, offering those readers', () => {
    const readers = [reader('A', true), reader('B', false), reader('C', true)];
    expect(selectReader(readers)).toEqual({
      ok: false,
      error: { code: 'reader-choice-needed', candidates: ['A', 'C'] },
    });
  });

  it('takes a single empty reader, where the card will go', () => {
    expect(selectReader([reader('Only', false)])).toEqual({
      ok: true,
      value: reader('Only', false),
    });
  });

  it('says card-absent when several readers are all empty', () => {
    expect(selectReader([reader('A', false), reader('B', false)])).toEqual({
      ok: false,
      error: { code: 'card-absent', candidates: ['A', 'B'] },
    });
  });

  it('treats an empty configured name as no configuration', () => {
    expect(selectReader([reader('A', true), reader('B', true)], '')).toMatchObject({
      ok: false,
      error: { code: 'reader-choice-needed' },
    });
  });
});
