import { randomBytes, sign, type KeyObject } from 'node:crypto';
import { concatBytes } from '../bytes';
import { encodeTlv } from '../tlv';
import { derUnsignedInteger } from './ecdsa-p256';

/**
 * A minimal X.509 v3 builder on the TLV codec, enough for the virtual card's self-signed P-256
 * certificates (RFC 5280): no dependency, and every byte is visible here.
 */

const DER = {
  BOOLEAN: 0x01,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
  EXPLICIT_0: 0xa0,
  EXPLICIT_3: 0xa3,
} as const;

/** A DER OBJECT IDENTIFIER from dotted text. */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const body: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128))
      chunk.unshift((v & 0x7f) | 0x80);
    body.push(...chunk);
  }
  return encodeTlv(DER.OID, Uint8Array.from(body));
}

/** UTCTime up to 2049, GeneralizedTime after, as RFC 5280 §4.1.2.5 requires. */
export function derTime(date: Date): Uint8Array {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050
    ? encodeTlv(DER.UTC_TIME, Buffer.from(digits.slice(2), 'ascii'))
    : encodeTlv(DER.GENERALIZED_TIME, Buffer.from(digits, 'ascii'));
}

const sequence = (...items: Uint8Array[]): Uint8Array => encodeTlv(DER.SEQUENCE, ...items);

/** A Name with one common name. */
function commonNameName(commonName: string): Uint8Array {
  return sequence(
    encodeTlv(
      DER.SET,
      sequence(derOid('2.5.4.3'), encodeTlv(DER.UTF8_STRING, Buffer.from(commonName, 'utf8'))),
    ),
  );
}

/** What a self-signed certificate says. */
interface SelfSignedOptions {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly commonName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** A DER X.509 v3 certificate, self-signed with ECDSA-with-SHA256, key usage digitalSignature. */
export function selfSignedCertificate(options: SelfSignedOptions): Uint8Array {
  const ecdsaWithSha256 = sequence(derOid('1.2.840.10045.4.3.2'));
  const name = commonNameName(options.commonName);
  // Serial: 64 random bits, positive (RFC 5280 §4.1.2.2 allows up to 20 octets).
  const serial = derUnsignedInteger(BigInt(`0x${randomBytes(8).toString('hex')}`) | 1n);
  const keyUsage = sequence(
    derOid('2.5.29.15'),
    encodeTlv(DER.BOOLEAN, Uint8Array.of(0xff)),
    encodeTlv(DER.OCTET_STRING, encodeTlv(DER.BIT_STRING, Uint8Array.of(0x07, 0x80))),
  );
  const tbs = sequence(
    encodeTlv(DER.EXPLICIT_0, derUnsignedInteger(2n)),
    serial,
    ecdsaWithSha256,
    name,
    sequence(derTime(options.notBefore), derTime(options.notAfter)),
    name,
    new Uint8Array(options.publicKey.export({ type: 'spki', format: 'der' })),
    encodeTlv(DER.EXPLICIT_3, sequence(keyUsage)),
  );
  const signature = new Uint8Array(sign('sha256', tbs, options.privateKey));
  return sequence(
    tbs,
    ecdsaWithSha256,
    encodeTlv(DER.BIT_STRING, concatBytes(Uint8Array.of(0), signature)),
  );
}
