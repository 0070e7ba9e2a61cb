import { beforeAll, describe, expect, it } from 'vitest';
import {
  arrayElementLines,
  certificateOrKeyDer,
  parseImportCsv,
  parseImportJson,
} from '../../../../server/cli/import-file';
import { csvField, importFixtures } from './import-fixtures';

let f: ReturnType<typeof importFixtures>;
beforeAll(() => {
  f = importFixtures();
});

const HEADER = 'cardId,holderName,email,pivAuthentication,cardAuthentication,puk';
const id = (n: number): string => n.toString(16).padStart(2, '0').repeat(16);

function row(n: number, overrides: Partial<Record<string, string>> = {}): string {
  const values = {
    cardId: id(n),
    holderName: `Holder ${n}`,
    email: `holder${n}@nhs.net`,
    pivAuthentication: f.certDer64,
    cardAuthentication: f.spkiDer64,
    puk: `1234567${n % 10}`,
    ...overrides,
  };
  return [
    values.cardId,
    values.holderName,
    values.email,
    values.pivAuthentication,
    values.cardAuthentication,
    values.puk,
  ]
    .map(csvField)
    .join(',');
}

describe('reading a CSV export', () => {
  it('when every row is valid, then every card is returned with DER bytes and a lower-case id', () => {
    const result = parseImportCsv(
      [HEADER, row(1), row(2, { cardId: id(2).toUpperCase() })].join('\n'),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.map((c) => c.cardId)).toEqual([id(1), id(2)]);
    expect(Buffer.from(result.value[0]!.pivAuthentication).toString('base64')).toBe(f.certDer64);
    expect(result.value[0]!.puk).toBe('12345671');
  });

  it('when a certificate is PEM across several lines, then it is accepted and later rows keep their true line numbers', () => {
    const text = [
      HEADER,
      row(1, { pivAuthentication: f.pem }),
      row(2, { email: 'not-an-address' }),
    ].join('\n');
    const pemLines = f.pem.split('\n').length;
    const result = parseImportCsv(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual([
      { line: 2 + pemLines, field: 'email', message: 'is not an email address.' },
    ]);
  });

  it('when several rows are bad, then each is reported with its line and field', () => {
    const text = [
      HEADER,
      row(1),
      row(2, { cardId: 'nope' }),
      '',
      row(3, { cardAuthentication: f.p384Spki64 }),
      row(4, { puk: '12' }),
      row(5, { holderName: '' }),
    ].join('\n');
    const result = parseImportCsv(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.map((i) => [i.line, i.field])).toEqual([
      [3, 'cardId'],
      [5, 'cardAuthentication'],
      [6, 'puk'],
      [7, 'holderName'],
    ]);
    expect(JSON.stringify(result.error)).not.toContain('"12"');
  });

  it('when a card appears twice, then the second is reported naming the first line', () => {
    const result = parseImportCsv([HEADER, row(1), row(2), row(1)].join('\n'));
    expect(!result.ok && result.error).toEqual([
      { line: 4, field: 'cardId', message: 'repeats the card on line 2.' },
    ]);
  });

  it('when the header misses or adds columns, then line 1 says which', () => {
    const result = parseImportCsv('cardId,holderName,email,pin\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error[0]?.line).toBe(1);
    expect(result.error[0]?.message).toContain('unknown columns: pin.');
    expect(result.error[0]?.message).toContain(
      'missing columns: pivAuthentication, cardAuthentication, puk.',
    );
  });

  it('when a row has too many fields or a quote is not closed, then the line is reported', () => {
    const extra = parseImportCsv([HEADER, row(1), `${row(2)},surplus`].join('\n'));
    expect(!extra.ok && extra.error[0]?.line).toBe(3);
    const quote = parseImportCsv([HEADER, row(1), `"${id(2)},x`].join('\n'));
    expect(!quote.ok && quote.error[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('when the file has only a header, then it says there are no cards', () => {
    const result = parseImportCsv(`${HEADER}\n`);
    expect(!result.ok && result.error[0]?.message).toBe('The file holds no cards.');
  });
});

describe('reading a JSON export', () => {
  const card = (n: number, overrides: Record<string, unknown> = {}) => ({
    cardId: id(n),
    holderName: `Holder ${n}`,
    email: `holder${n}@nhs.net`,
    pivAuthentication: f.pem,
    cardAuthentication: f.certDer64,
    puk: '87654321',
    ...overrides,
  });

  it('when the array is valid, then every card is returned', () => {
    const result = parseImportJson(JSON.stringify([card(1), card(2)], null, 2));
    expect(result.ok && result.value.length).toBe(2);
  });

  it('when an element is bad, then it is reported on the line where that element starts', () => {
    const text = JSON.stringify([card(1), card(2, { email: 7, extra: true })], null, 2);
    const result = parseImportJson(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const secondStart = text.split('\n').findIndex((l, i) => i > 1 && l.trim() === '{') + 1;
    expect(result.error.map((i) => `${i.line}:${i.field}`).sort()).toEqual([
      `${secondStart}:email`,
      `${secondStart}:extra`,
    ]);
  });

  it('when the file is not an array or not JSON, then line 1 says so', () => {
    expect(!parseImportJson('{"cards": []}').ok).toBe(true);
    const broken = parseImportJson('[{');
    expect(!broken.ok && broken.error[0]?.message).toContain('not valid JSON');
  });

  it('when a JSON import nests deeper than any card does, then line 1 says so; many cards are fine', () => {
    const deep = parseImportJson(
      '[' + '{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}' + ']',
    );
    expect(!deep.ok && deep.error[0]?.message).toContain('nests deeper than 32 levels');
    const many = parseImportJson(JSON.stringify(Array.from({ length: 500 }, () => ({}))));
    expect(!many.ok && many.error[0]?.message).not.toContain('nests deeper');
  });

  it('when elements sit on various lines, then their start lines are found despite brackets in strings', () => {
    expect(arrayElementLines('[\n {"a": "]}[,"},\n\n {"b": [1,\n2]}, 3\n]')).toEqual([2, 4, 5]);
  });
});

describe('certificates and keys', () => {
  it('when given a P-256 certificate or key as PEM or base64 DER, then DER bytes come back; a P-384 key or junk does not', () => {
    expect(certificateOrKeyDer(f.pem)).toBeInstanceOf(Uint8Array);
    expect(certificateOrKeyDer(f.certDer64)).toBeInstanceOf(Uint8Array);
    expect(certificateOrKeyDer(f.spkiDer64)).toBeInstanceOf(Uint8Array);
    expect(certificateOrKeyDer(f.p384Spki64)).toBeUndefined();
    expect(certificateOrKeyDer('hello world!')).toBeUndefined();
    expect(certificateOrKeyDer('')).toBeUndefined();
  });
});

describe('mobile numbers in an export', () => {
  const withMobile = (n: number, mobile: string) => `${row(n)},${csvField(mobile)}`;

  it('when the CSV has a mobile column, then each number is normalised to E.164 and an empty cell means none', () => {
    const result = parseImportCsv(
      [
        `${HEADER},mobile`,
        withMobile(1, '07700 900123'),
        withMobile(2, '+44 (0)7700-900124'),
        withMobile(3, ''),
      ].join('\n'),
    );
    expect(result.ok && result.value.map((c) => c.mobile)).toEqual([
      '+447700900123',
      '+447700900124',
      null,
    ]);
  });

  it('when a row has a mobile and an empty email, then the card has no email (code-only); with neither, the line says so', () => {
    const result = parseImportCsv(
      [`${HEADER},mobile`, `${row(1, { email: '' })},${csvField('07700 900123')}`].join('\n'),
    );
    expect(result.ok && result.value.map((c) => [c.email, c.mobile])).toEqual([
      [null, '+447700900123'],
    ]);
    const neither = parseImportCsv(
      [`${HEADER},mobile`, `${row(1, { email: '' })},${csvField('')}`].join('\n'),
    );
    expect(!neither.ok && neither.error).toEqual([
      {
        line: 2,
        field: 'email',
        message: 'is empty, and so is mobile: a holder needs an email address or a mobile number.',
      },
    ]);
  });

  it('when the CSV has no mobile column, then the cards carry no mobile (a known card keeps its own)', () => {
    const result = parseImportCsv([HEADER, row(1)].join('\n'));
    expect(result.ok && 'mobile' in result.value[0]!).toBe(false);
  });

  it('when a number is not a UK mobile, then its line and field say why and nothing is imported', () => {
    const result = parseImportCsv(
      [
        `${HEADER},mobile`,
        withMobile(1, '0121 496 0000'),
        withMobile(2, '+33 6 12 34 56 78'),
        withMobile(3, '07700 90012'),
      ].join('\n'),
    );
    expect(!result.ok && result.error).toEqual([
      {
        line: 2,
        field: 'mobile',
        message:
          'is not a UK mobile number: mobile numbers start with 071 to 075, 077 to 079, or 07624.',
      },
      {
        line: 3,
        field: 'mobile',
        message:
          'is not a UK number: codes are texted only to UK mobile numbers (07…, or +44 7… from abroad).',
      },
      {
        line: 4,
        field: 'mobile',
        message: 'has too few digits for a UK mobile number (07 and 9 more digits).',
      },
    ]);
  });

  it('when a JSON card has a mobile, then it is normalised; null means none', () => {
    const base = (n: number) => ({
      cardId: id(n),
      holderName: `Holder ${n}`,
      email: `holder${n}@nhs.net`,
      pivAuthentication: f.pem,
      cardAuthentication: f.certDer64,
      puk: '87654321',
    });
    const result = parseImportJson(
      JSON.stringify([
        { ...base(1), mobile: '447700900123' },
        { ...base(2), mobile: null },
      ]),
    );
    expect(result.ok && result.value.map((c) => c.mobile)).toEqual(['+447700900123', null]);
  });
});
