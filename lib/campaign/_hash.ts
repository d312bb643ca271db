/**
 * Private hashing helpers of the campaign layer: a 32-bit finaliser used to derive trial seeds and a
 * 64-bit FNV-1a digest used to fingerprint specs.
 *
 * @module
 */

/**
 * The 32-bit finaliser of MurmurHash3 ("fmix32"): a bijection on 32-bit integers with full
 * avalanche (each input bit flips each output bit with probability close to 1/2).
 */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const FNV_PRIME_LOW = 0x1b3; // the 64-bit FNV prime is 2^40 + 0x1b3
const TWO_32 = 0x1_0000_0000;

/** 64-bit FNV-1a of the UTF-8 bytes of `text`, as 16 lowercase hex digits. */
export function fnv1a64(text: string): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (const byte of new TextEncoder().encode(text)) {
    lo = (lo ^ byte) >>> 0;
    // (hi·2^32 + lo) · (2^40 + 0x1b3) mod 2^64, with every partial product exact in a double.
    const t = lo * FNV_PRIME_LOW;
    const carry = Math.floor(t / TWO_32);
    hi = (Math.imul(hi, FNV_PRIME_LOW) + carry + (lo << 8)) >>> 0;
    lo = t >>> 0;
  }
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}
