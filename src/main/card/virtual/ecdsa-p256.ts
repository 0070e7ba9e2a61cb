import { randomBytes, type KeyObject } from 'node:crypto';
import { concatBytes } from '../bytes';
import { encodeTlv } from '../tlv';

/**
 * Raw ECDSA P-256 over a digest the caller already hashed, as a card does in GENERAL
 * AUTHENTICATE. Node's crypto always hashes its input first, so the card does the curve
 * arithmetic itself with bigints. This is a test card: the arithmetic is not constant-time.
 */

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n;
const GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n;

/** A point in Jacobian coordinates; Z = 0 is the point at infinity. */
type Jacobian = readonly [bigint, bigint, bigint];
const INFINITY: Jacobian = [1n, 1n, 0n];

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;

function modPow(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}

/** Inverse modulo a prime (Fermat). */
const modInverse = (a: bigint, m: bigint): bigint => modPow(a, m - 2n, m);

function double([x, y, z]: Jacobian): Jacobian {
  if (z === 0n || y === 0n) return INFINITY;
  // dbl-2001-b, for a = -3.
  const delta = (z * z) % P;
  const gamma = (y * y) % P;
  const beta = (x * gamma) % P;
  const alpha = mod(3n * (x - delta) * (x + delta), P);
  const x3 = mod(alpha * alpha - 8n * beta, P);
  const z3 = mod((y + z) * (y + z) - gamma - delta, P);
  const y3 = mod(alpha * (4n * beta - x3) - 8n * gamma * gamma, P);
  return [x3, y3, z3];
}

function add(a: Jacobian, b: Jacobian): Jacobian {
  if (a[2] === 0n) return b;
  if (b[2] === 0n) return a;
  const [x1, y1, z1] = a;
  const [x2, y2, z2] = b;
  const z1z1 = (z1 * z1) % P;
  const z2z2 = (z2 * z2) % P;
  const u1 = (x1 * z2z2) % P;
  const u2 = (x2 * z1z1) % P;
  const s1 = (y1 * z2 * z2z2) % P;
  const s2 = (y2 * z1 * z1z1) % P;
  if (u1 === u2) return s1 === s2 ? double(a) : INFINITY;
  const h = mod(u2 - u1, P);
  const r = mod(s2 - s1, P);
  const hh = (h * h) % P;
  const hhh = (h * hh) % P;
  const x3 = mod(r * r - hhh - 2n * u1 * hh, P);
  const y3 = mod(r * (u1 * hh - x3) - s1 * hhh, P);
  const z3 = (h * z1 * z2) % P;
  return [x3, y3, z3];
}

function multiplyG(k: bigint): Jacobian {
  let result = INFINITY;
  for (let bit = BigInt(k.toString(2).length - 1); bit >= 0n; bit--) {
    result = double(result);
    if ((k >> bit) & 1n) result = add(result, [GX, GY, 1n]);
  }
  return result;
}

const toBigInt = (bytes: Uint8Array): bigint =>
  bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);

/** A DER INTEGER for a non-negative bigint (a leading 00 keeps it positive). */
export function derUnsignedInteger(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
  return encodeTlv(0x02, (bytes[0]! & 0x80) !== 0 ? concatBytes(Uint8Array.of(0), bytes) : bytes);
}

/** A random scalar in [1, n-1] from the CSPRNG. */
function randomScalar(): bigint {
  for (;;) {
    const k = toBigInt(randomBytes(32));
    if (k > 0n && k < N) return k;
  }
}

/** The private scalar of a P-256 key. */
export function privateScalar(key: KeyObject): bigint {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'P-256' || typeof jwk.d !== 'string')
    throw new TypeError('not a P-256 private key');
  return toBigInt(Buffer.from(jwk.d, 'base64url'));
}

/** Signs a 32-byte digest with a P-256 private scalar; returns the DER ECDSA-Sig-Value. */
export function signDigest(d: bigint, digest: Uint8Array): Uint8Array {
  const z = toBigInt(digest.subarray(0, 32));
  for (;;) {
    const k = randomScalar();
    const [x, , zr] = multiplyG(k);
    const zInv = modInverse(zr, P);
    // Affine x is computed modulo p, and only then reduced modulo n.
    const r = mod((((x * zInv) % P) * zInv) % P, N);
    if (r === 0n) continue;
    const s = mod(modInverse(k, N) * (z + r * d), N);
    if (s === 0n) continue;
    return encodeTlv(0x30, derUnsignedInteger(r), derUnsignedInteger(s));
  }
}
