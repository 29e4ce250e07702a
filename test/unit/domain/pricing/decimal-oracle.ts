/** Test helper: a decimal string as an integer count of 10^-12, for exact comparisons without floats. */
export function picoUnits(value: string): bigint {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(value);
  if (match === null) {
    throw new Error(`not a decimal: ${value}`);
  }
  const [, sign, whole = '0', fraction = ''] = match;
  const magnitude = BigInt(whole) * 10n ** 12n + BigInt(fraction.padEnd(12, '0').slice(0, 12));
  return sign === '-' ? -magnitude : magnitude;
}

/** A random decimal string with up to `places` decimals, e.g. "0.000123". */
export function decimalString(units: number, places: number): string {
  if (places === 0) {
    return String(units);
  }
  const digits = String(units).padStart(places + 1, '0');
  return `${digits.slice(0, digits.length - places)}.${digits.slice(digits.length - places)}`;
}
