/**
 * Word matching for wildcard (`imit*`, `*former`) and edit-distance (`cloning~1`) query clauses.
 */

let rows = [new Int32Array(64), new Int32Array(64)];

/**
 * True when the Levenshtein distance between `a` and `b` is at most `max`. Stops as soon as a row of
 * the table exceeds `max`, which for most words of a dictionary is after the first few letters.
 */
export function withinEditDistance(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  if (max === 0) return a === b;
  // Two rows reused across calls: a fuzzy clause compares against every word of similar length.
  if (rows[0].length <= b.length) rows = [new Int32Array(b.length + 1), new Int32Array(b.length + 1)];
  let [previous, current] = rows;
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return false;
    [previous, current] = [current, previous];
  }
  return previous[b.length] <= max;
}

/**
 * A matcher for a lunr wildcard pattern (`*` stands for any run of letters and digits), or for a
 * pattern with a single trailing `*`, its prefix (which a sorted word list answers by binary search).
 */
export function wildcardMatcher(pattern: string): { prefix: string } | { test(word: string): boolean } {
  const star = pattern.indexOf('*');
  if (star === pattern.length - 1) return { prefix: pattern.slice(0, -1) };
  const parts = pattern.split('*');
  if (/[\ud800-\udfff]/.test(pattern)) {
    // Outside the Basic Multilingual Plane a part could split a letter in two: the regex keeps letters whole.
    const source = parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    const regex = new RegExp(`^${source}$`, 'u');
    return { test: (word: string) => regex.test(word) };
  }
  // `*` is any run of letters (words hold no line breaks), so a word matches when it starts with the
  // first part, ends with the last, and has the others in order between them, each found at its
  // earliest place: what the regex ^first.*middle.*last$ answers, without a regex (an infix wildcard
  // tests some 12,000 words at 100,000 papers).
  const first = parts[0];
  const last = parts[parts.length - 1];
  const middle = parts.slice(1, -1).filter((part) => part !== '');
  let least = first.length + last.length;
  for (const part of middle) least += part.length;
  return {
    test: (word: string) => {
      if (word.length < least || !word.startsWith(first) || !word.endsWith(last)) return false;
      let at = first.length;
      const end = word.length - last.length;
      for (const part of middle) {
        const found = word.indexOf(part, at);
        if (found < 0 || found + part.length > end) return false;
        at = found + part.length;
      }
      return true;
    },
  };
}

/** The index of the first word in `sorted` that is not less than `prefix`. */
export function lowerBound(sorted: readonly string[], prefix: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] < prefix) low = mid + 1;
    else high = mid;
  }
  return low;
}
