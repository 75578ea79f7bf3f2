import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// random bytes drawn 4 KiB at a time: one call into the system's generator per ~200 ids, not per id
let pool = randomBytes(4096);
let at = 0;

function randomByte(): number {
  if (at === pool.length) {
    pool = randomBytes(4096);
    at = 0;
  }
  return pool[at++]!;
}

/** Opaque random id in Commerce Layer's shape: 10 alphanumeric characters (62^10 ≈ 8·10^17). */
export function newId(length = 10): string {
  let out = '';
  while (out.length < length) {
    const b = randomByte();
    if (b < 248) out += ALPHABET[b % 62]; // 248 = 4·62: reject the tail to keep the distribution uniform
  }
  return out;
}

/**
 * A long random token for client ids and secrets (base64url, 43 characters). Never one that starts
 * with '-': the official CLI would read `-s -abc…` as two flags and refuse the login.
 */
export function newSecret(): string {
  for (;;) {
    const secret = randomBytes(32).toString('base64url');
    if (secret[0] !== '-') return secret;
  }
}
