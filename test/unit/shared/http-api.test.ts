import { describe, expect, it } from 'vitest';
import { cardIdSchema, cardProofMessage } from '../../../src/shared/card-identity';
import {
  API_ROUTES,
  answersRequestSchema,
  startAttemptRequestSchema,
  unlockCodeSchema,
} from '../../../src/shared/http-api';

describe('HTTP API schemas', () => {
  it('normalises a card identifier to lowercase hex', () => {
    expect(cardIdSchema.parse(' 0123456789ABCDEF0123456789ABCDEF ')).toBe(
      '0123456789abcdef0123456789abcdef',
    );
  });

  it('refuses a card identifier that is not 16 bytes of hex', () => {
    expect(cardIdSchema.safeParse('0123').success).toBe(false);
    expect(cardIdSchema.safeParse('z'.repeat(32)).success).toBe(false);
  });

  it('refuses unknown fields in a request body', () => {
    expect(
      startAttemptRequestSchema.safeParse({ cardId: 'a'.repeat(32), admin: true }).success,
    ).toBe(false);
  });

  it('reads an unlock code as typed, ignoring case, spaces and hyphens', () => {
    expect(unlockCodeSchema.parse('abcd-ef 23')).toBe('ABCDEF23');
    expect(unlockCodeSchema.safeParse('ab').success).toBe(false);
  });

  it('refuses an empty answer', () => {
    expect(
      answersRequestSchema.safeParse({ answers: [{ questionId: 'q1', answer: '   ' }] }).success,
    ).toBe(false);
  });

  it('binds a card proof to its purpose, attempt and nonce', () => {
    expect(cardProofMessage('unlock', 'attempt1234567890', 'nonce')).not.toBe(
      cardProofMessage('register', 'attempt1234567890', 'nonce'),
    );
  });

  it('versions every route under /v1', () => {
    for (const route of Object.values(API_ROUTES)) expect(route.path.startsWith('/v1/')).toBe(true);
  });
});
