/** `items` grouped by `key`, each group's values in the items' order (Map.groupBy needs Node 21). */
export function groupBy<T, K, V>(
  items: Iterable<T>,
  key: (item: T) => K,
  value: (item: T) => V,
): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(value(item));
    else groups.set(key(item), [value(item)]);
  }
  return groups;
}
