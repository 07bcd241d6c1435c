// Host names and addresses as people read them: numbers inside compare as
// numbers (127.0.1.15 before 127.0.1.100, web2 before web10), case aside.
// The server orders sort=host the same way; this is for lists sorted here.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export const naturalCompare = (a: string, b: string) => collator.compare(a, b);

/** A copy of items in the natural order of key, then by tie (e.g. the port). */
export function naturalSortBy<T>(items: readonly T[], key: (item: T) => string, tie: (a: T, b: T) => number = () => 0): T[] {
  return [...items].sort((a, b) => naturalCompare(key(a), key(b)) || tie(a, b));
}
