/**
 * Fabric orders state keys by their UTF-8 bytes (LevelDB, Go string comparison). JavaScript's `<` compares UTF-16
 * code units, which disagrees for characters above U+FFFF against U+E000..U+FFFF, so every sort here goes through
 * this comparison.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
