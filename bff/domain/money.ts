/**
 * Integer money arithmetic. Amounts are integer minor units (cents) of one ISO 4217 currency;
 * floats never carry money. This is the one place that rounds: half-even (banker's rounding),
 * so ties do not drift upwards when many rounded figures are added together. Pure and
 * dependency-free — the browser bundle imports it through pricing.ts.
 */

/** The product of two integers, refused rather than silently rounded when it exceeds 2^53. */
export function mulExact(a: number, b: number): number {
  const product = a * b;
  // Float multiplication of integers is exact below 2^53 and lands at or above it otherwise.
  if (!Number.isSafeInteger(product)) throw new RangeError(`${a} × ${b} is not a safe integer amount`);
  return product;
}

/** `numerator / denominator` rounded half-even; BigInt inside so the numerator may exceed 2^53. */
export function divHalfEven(numerator: bigint | number, denominator: bigint | number): number {
  let n = BigInt(numerator);
  let d = BigInt(denominator);
  if (d === 0n) throw new RangeError('division by zero');
  if (d < 0n) { n = -n; d = -d; }
  const negative = n < 0n;
  const abs = negative ? -n : n;
  let q = abs / d;
  const twiceRemainder = (abs % d) * 2n;
  if (twiceRemainder > d || (twiceRemainder === d && q % 2n === 1n)) q += 1n;
  const result = Number(negative ? -q : q);
  if (!Number.isSafeInteger(result)) throw new RangeError('the rounded amount is not a safe integer');
  return result;
}
