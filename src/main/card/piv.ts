import { hex } from './bytes';
import type { PivKeySlot } from './types';

/** Constants of the PIV card profile (NIST SP 800-73-4), shared by the client and the virtual card. */

/** The PIV application identifier, with its version (PIX 00 00 10 00 01 00). */
export const PIV_AID = hex('A0 00 00 03 08 00 00 10 00 01 00');
/** The shortest AID prefix a SELECT may use (the NIST RID). */
export const PIV_RID = hex('A0 00 00 03 08');

/** Instruction bytes. */
export const INS = {
  SELECT: 0xa4,
  GET_DATA: 0xcb,
  VERIFY: 0x20,
  CHANGE_REFERENCE_DATA: 0x24,
  RESET_RETRY_COUNTER: 0x2c,
  GENERAL_AUTHENTICATE: 0x87,
  GET_RESPONSE: 0xc0,
} as const;

/** Key references: the PIV application passcode and the PUK. */
export const KEY_REF = { PASSCODE: 0x80, PUK: 0x81 } as const;

/** Algorithm identifier of ECC P-256 in GENERAL AUTHENTICATE (SP 800-78-4). */
export const ALG_ECC_P256 = 0x11;

/** Data object identifiers for GET DATA (tag list 5C). */
export const OBJECT = {
  CHUID: 0x5fc102,
  CERT_9A: 0x5fc105,
  CERT_9E: 0x5fc101,
  DISCOVERY: 0x7e,
} as const;

/** The certificate object of each key slot. */
export const CERT_OBJECT: Readonly<Record<PivKeySlot, number>> = {
  '9A': OBJECT.CERT_9A,
  '9E': OBJECT.CERT_9E,
};

/** The key reference byte (P2 of GENERAL AUTHENTICATE) of each slot. */
export const SLOT_KEY_REF: Readonly<Record<PivKeySlot, number>> = { '9A': 0x9a, '9E': 0x9e };

/** TLV tags inside PIV data objects and templates. */
export const TAG = {
  DATA: 0x53,
  TAG_LIST: 0x5c,
  FASC_N: 0x30,
  GUID: 0x34,
  EXPIRY: 0x35,
  ISSUER_SIGNATURE: 0x3e,
  ERROR_DETECTION: 0xfe,
  CERTIFICATE: 0x70,
  CERT_INFO: 0x71,
  DYNAMIC_AUTH: 0x7c,
  AUTH_RESPONSE: 0x82,
  AUTH_CHALLENGE: 0x81,
  APT: 0x61,
  AID: 0x4f,
  AUTHORITY: 0x79,
  LABEL: 0x50,
  ALGORITHMS: 0xac,
  ALGORITHM: 0x80,
  OID: 0x06,
  DISCOVERY: 0x7e,
  PIN_POLICY: 0x5f2f,
} as const;

/** Passcodes and PUKs are padded with FF to this many bytes. */
export const REFERENCE_LENGTH = 8;
