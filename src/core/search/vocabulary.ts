/**
 * The library's words, for the query clauses that stand for many of them: prefixes (`imit*`),
 * wildcards anywhere (`*tion`, `re*ing`) and misspellings (`cloning~1`). Each answers what a scan
 * of every word would (the same words, in the same sorted order), without the scan:
 *
 * - A prefix is a range of the sorted word list, found by binary search.
 * - A wildcard's other parts are looked up in a trigram index: for every run of three letters (a
 *   word's last two letters count with an end mark, so `*tion` asks for "tio", "ion" and "on$"),
 *   the ascending positions of the words that have it. A word that matches the pattern has every
 *   trigram of the pattern's parts, so the words of the rarest one, within the first part's prefix
 *   range, are the only candidates; each is then tested against the pattern itself.
 * - A misspelling walks the sorted list as a trie, one row of the edit-distance table per letter,
 *   shared by the words that share a prefix; when a row's smallest value passes the allowed distance
 *   every word with that prefix is skipped at once (no later row can be smaller).
 *
 * The trigram index is three typed arrays (sorted trigram keys, offsets, word positions), built with
 * the index and stored in its cache file. Words that arrive after it was built (a note with a new
 * word) are kept in a small sorted side list that is scanned, until the next rebuild.
 */
import { lowerBound, wildcardMatcher, withinEditDistance } from './fuzzy';

/** The code unit that marks a word's end in its trigrams; no indexed word holds it (words are letters and digits). */
const END = 1;

/** Words added since the trigram index was built beyond this many (plus 1/32 of the list) call for a rebuild. */
const MAX_ADDED = 1024;

/** Common prefixes are counted up to this many letters (a byte each); longer ones are skipped by binary search. */
const MAX_COMMON = 255;

/** The trigram index as stored in the index's cache file. */
export interface VocabularySections {
  /** Each trigram's key as two 32-bit halves (high, low), ascending. */
  gramKeys: Uint32Array;
  /** The words of trigram g are gramWords[gramOffsets[g] .. gramOffsets[g + 1]). */
  gramOffsets: Uint32Array;
  /** Positions in the sorted word list, ascending within each trigram. */
  gramWords: Uint32Array;
}

export type VisitWord = (word: string, term: number) => void;

export class Vocabulary {
  // Words added after the build: sorted, with their terms; scanned.
  private readonly addedWords: string[] = [];
  private readonly addedTerms: number[] = [];
  private lcp: Uint8Array | null = null;

  private constructor(
    /** The sorted word list the trigram index was built over, and each word's term. */
    private readonly words: readonly string[],
    private readonly terms: Uint32Array,
    private readonly gramKeys: Float64Array,
    private readonly gramOffsets: Uint32Array,
    private readonly gramWords: Uint32Array,
  ) {}

  /** The vocabulary of `words` (sorted by code unit, distinct), `terms[i]` being the term of `words[i]`. */
  static build(words: readonly string[], terms: Uint32Array): Vocabulary {
    // Pass 1 numbers the trigrams (a table for those of ASCII letters, a map for the rest), notes each
    // occurrence's number and counts each trigram's words; pass 2 places the words. `last` keeps a
    // word's repeated trigram ("banana": "ana" twice) from being listed twice.
    const ascii = new Int32Array(1 << 21).fill(-1);
    const other = new Map<number, number>();
    const keys: number[] = [];
    const counts: number[] = [];
    const last: number[] = [];
    let total = 0;
    for (const word of words) total += Math.max(word.length - 1, 0);
    const occurrences = new Uint32Array(total);
    let at = 0;
    for (let i = 0; i < words.length; i++) {
      const word = words[i];
      const n = word.length;
      for (let j = 0; j + 2 <= n; j++) {
        const c0 = word.charCodeAt(j);
        const c1 = word.charCodeAt(j + 1);
        const c2 = j + 2 < n ? word.charCodeAt(j + 2) : END;
        let id: number;
        if ((c0 | c1 | c2) < 128) {
          const slot = (c0 << 14) | (c1 << 7) | c2;
          id = ascii[slot];
          if (id < 0) id = ascii[slot] = newGram(gramKey(c0, c1, c2));
        } else {
          const key = gramKey(c0, c1, c2);
          id = other.get(key) ?? -1;
          if (id < 0) other.set(key, (id = newGram(key)));
        }
        occurrences[at++] = id;
        if (last[id] !== i) {
          last[id] = i;
          counts[id]++;
        }
      }
    }
    const gramCount = keys.length;
    const byKey = Array.from({ length: gramCount }, (_, id) => id).sort((a, b) => keys[a] - keys[b]);
    const gramKeys = new Float64Array(gramCount);
    const rank = new Uint32Array(gramCount);
    const gramOffsets = new Uint32Array(gramCount + 1);
    for (let g = 0; g < gramCount; g++) {
      const id = byKey[g];
      gramKeys[g] = keys[id];
      rank[id] = g;
      gramOffsets[g + 1] = gramOffsets[g] + counts[id];
    }
    const gramWords = new Uint32Array(gramOffsets[gramCount]);
    const cursor = gramOffsets.slice(0, gramCount);
    last.fill(-1);
    at = 0;
    for (let i = 0; i < words.length; i++) {
      for (let j = words[i].length - 1; j > 0; j--) {
        const id = occurrences[at++];
        if (last[id] === i) continue;
        last[id] = i;
        gramWords[cursor[rank[id]]++] = i;
      }
    }
    return new Vocabulary(words, terms, gramKeys, gramOffsets, gramWords);

    function newGram(key: number): number {
      keys.push(key);
      counts.push(0);
      last.push(-1);
      return keys.length - 1;
    }
  }

  /**
   * The vocabulary of `words` with the trigram index `sections` (as `sections()` gave it), checked so
   * that no look-up reads out of bounds; `fail` is called with the reason when they are not sound.
   */
  static fromSections(words: readonly string[], terms: Uint32Array, sections: VocabularySections, fail: (why: string) => never): Vocabulary {
    const { gramKeys: halves, gramOffsets, gramWords } = sections;
    if (halves.length % 2 !== 0) fail('the word index has a torn key');
    const gramCount = halves.length / 2;
    if (gramOffsets.length !== gramCount + 1 || gramOffsets[0] !== 0 || gramOffsets[gramCount] !== gramWords.length) fail('the word index does not add up');
    const gramKeys = new Float64Array(gramCount);
    for (let g = 0; g < gramCount; g++) {
      gramKeys[g] = halves[2 * g] * 2 ** 32 + halves[2 * g + 1];
      if (g > 0 && gramKeys[g] <= gramKeys[g - 1]) fail('the word index is out of order');
      if (gramOffsets[g + 1] < gramOffsets[g]) fail('the word index is out of order');
    }
    for (let p = 0; p < gramWords.length; p++) if (gramWords[p] >= words.length) fail('the word index names a word that does not exist');
    return new Vocabulary(words, terms, gramKeys, gramOffsets, gramWords);
  }

  /** The trigram index for the cache file (its keys split into 32-bit halves). */
  sections(): VocabularySections {
    const halves = new Uint32Array(2 * this.gramKeys.length);
    for (let g = 0; g < this.gramKeys.length; g++) {
      const key = this.gramKeys[g];
      halves[2 * g] = Math.floor(key / 2 ** 32);
      halves[2 * g + 1] = key % 2 ** 32;
    }
    return { gramKeys: halves, gramOffsets: this.gramOffsets, gramWords: this.gramWords };
  }

  /** True when this vocabulary was built over `words` (that very list) and nothing was added since. */
  isExactly(words: readonly string[] | null): boolean {
    return this.words === words && this.addedWords.length === 0;
  }

  /** True when so many words were added since the build that a rebuild pays. */
  get wantsRebuild(): boolean {
    return this.addedWords.length > MAX_ADDED + this.words.length / 32;
  }

  /** Bytes held in typed arrays (the trigram index). */
  get byteLength(): number {
    return this.gramKeys.byteLength + this.gramOffsets.byteLength + this.gramWords.byteLength + (this.lcp?.byteLength ?? 0);
  }

  /** Records a word that is new to the library (not in the list the index was built over). */
  add(word: string, term: number): void {
    const at = lowerBound(this.addedWords, word);
    if (this.addedWords[at] === word) return;
    this.addedWords.splice(at, 0, word);
    this.addedTerms.splice(at, 0, term);
  }

  /** Calls `visit` for every word that starts with `prefix`, in sorted order. */
  matchPrefix(prefix: string, visit: VisitWord): void {
    const from = lowerBound(this.words, prefix);
    const base: number[] = [];
    for (let i = from, end = prefixEnd(this.words, prefix, from); i < end; i++) base.push(i);
    this.report(base, (word) => word.startsWith(prefix), visit);
  }

  /** Calls `visit` for every word that matches the lunr wildcard `pattern` (`*` for any run of letters), in sorted order. */
  matchWildcard(pattern: string, visit: VisitWord): void {
    const matcher = wildcardMatcher(pattern);
    if ('prefix' in matcher) {
      this.matchPrefix(matcher.prefix, visit);
      return;
    }
    const parts = pattern.split('*');
    let from = 0;
    let to = this.words.length;
    if (parts[0] !== '') {
      from = lowerBound(this.words, parts[0]);
      to = prefixEnd(this.words, parts[0], from);
    }
    // The rarest trigram of the parts after the first; none in the index means no listed word matches.
    let rarest = -1;
    let absent = false;
    for (let p = 1; p < parts.length && !absent; p++) {
      forEachGram(parts[p], p === parts.length - 1, (key) => {
        const g = this.gram(key);
        if (g < 0) absent = true;
        else if (rarest < 0 || this.gramLength(g) < this.gramLength(rarest)) rarest = g;
      });
    }
    const base: number[] = [];
    if (!absent) {
      if (rarest < 0) {
        for (let i = from; i < to; i++) if (matcher.test(this.words[i])) base.push(i);
      } else {
        const end = this.gramOffsets[rarest + 1];
        for (let p = lowerBoundIn(this.gramWords, this.gramOffsets[rarest], end, from); p < end; p++) {
          const i = this.gramWords[p];
          if (i >= to) break;
          if (matcher.test(this.words[i])) base.push(i);
        }
      }
    }
    this.report(base, matcher.test, visit);
  }

  /** Calls `visit` for every word within Levenshtein distance `max` of `query` (in UTF-16 code units), in sorted order. */
  matchFuzzy(query: string, max: number, visit: VisitWord): void {
    const words = this.words;
    const lcp = this.commonPrefixes();
    const m = query.length;
    const width = m + 1;
    // Row d of the table is the distances after d letters of a word, capped at max + 1 ("too far").
    // Only the band |d - j| <= max can hold a value within max, so only it is computed; the rest
    // stays at the cap. Past m + max + 1 letters no row is within max, so the table stops there.
    const far = max + 1;
    const table = new Int32Array((m + max + 2) * width).fill(far);
    for (let j = 0; j <= Math.min(m, max); j++) table[j] = j;
    const base: number[] = [];
    let filled = 0;
    let shared = 0;
    let i = 0;
    while (i < words.length) {
      const word = words[i];
      // Rows for the prefix this word shares with the last one walked are already in the table.
      let depth = Math.min(shared, filled, word.length);
      let pruned = false;
      while (depth < word.length) {
        const c = word.charCodeAt(depth);
        const above = depth * width;
        const row = above + width;
        const d = depth + 1;
        let rowMin = d < far ? d : far;
        if (d <= max) table[row] = d;
        const last = d + max < m ? d + max : m;
        for (let j = d - max > 1 ? d - max : 1; j <= last; j++) {
          let value = table[above + j - 1] + (query.charCodeAt(j - 1) === c ? 0 : 1);
          const deletion = table[above + j] + 1;
          if (deletion < value) value = deletion;
          const insertion = table[row + j - 1] + 1;
          if (insertion < value) value = insertion;
          if (value > far) value = far;
          table[row + j] = value;
          if (value < rowMin) rowMin = value;
        }
        depth = d;
        if (rowMin > max) {
          pruned = true;
          break;
        }
      }
      filled = depth;
      if (pruned) {
        // No word with this prefix is within max: skip them all (they follow, sharing `depth` letters).
        shared = depth;
        i++;
        if (depth <= MAX_COMMON) {
          for (; i < words.length && lcp[i] >= depth; i++);
          if (i < words.length) shared = lcp[i];
        } else {
          i = prefixEnd(words, word.slice(0, depth), i);
          shared = 0;
        }
      } else {
        if (table[depth * width + m] <= max) base.push(i);
        i++;
        shared = i < words.length ? lcp[i] : 0;
      }
    }
    this.report(base, (word) => withinEditDistance(query, word, max), visit);
  }

  /** lcp[i]: how many letters words[i] shares at the start with words[i - 1] (at most MAX_COMMON). Made on first use. */
  private commonPrefixes(): Uint8Array {
    if (this.lcp) return this.lcp;
    const words = this.words;
    const lcp = new Uint8Array(words.length);
    for (let i = 1; i < words.length; i++) {
      const a = words[i - 1];
      const b = words[i];
      const limit = Math.min(a.length, b.length, MAX_COMMON);
      let k = 0;
      while (k < limit && a.charCodeAt(k) === b.charCodeAt(k)) k++;
      lcp[i] = k;
    }
    return (this.lcp = lcp);
  }

  /** Visits the listed words at positions `base` and the added words that pass `test`, merged in sorted order. */
  private report(base: number[], test: (word: string) => boolean, visit: VisitWord): void {
    const added = this.addedWords;
    let a = 0;
    for (const i of base) {
      const word = this.words[i];
      for (; a < added.length && added[a] < word; a++) if (test(added[a])) visit(added[a], this.addedTerms[a]);
      visit(word, this.terms[i]);
    }
    for (; a < added.length; a++) if (test(added[a])) visit(added[a], this.addedTerms[a]);
  }

  /** The trigram with `key`, or -1. */
  private gram(key: number): number {
    let low = 0;
    let high = this.gramKeys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.gramKeys[mid] < key) low = mid + 1;
      else high = mid;
    }
    return low < this.gramKeys.length && this.gramKeys[low] === key ? low : -1;
  }

  private gramLength(g: number): number {
    return this.gramOffsets[g + 1] - this.gramOffsets[g];
  }
}

/**
 * Calls `each` with the key of every trigram of `text`, followed by the end mark when `atEnd` (a word,
 * or a pattern's last part): "tion" gives "tio", "ion" and, at the end, "on$".
 */
function forEachGram(text: string, atEnd: boolean, each: (key: number) => void): void {
  const n = text.length;
  const last = atEnd ? n - 2 : n - 3;
  for (let j = 0; j <= last; j++) {
    each(gramKey(text.charCodeAt(j), text.charCodeAt(j + 1), j + 2 < n ? text.charCodeAt(j + 2) : END));
  }
}

/** A trigram's key: its three code units in one number (48 bits, exact in a double), ordered as the trigrams are. */
function gramKey(c0: number, c1: number, c2: number): number {
  return c0 * 2 ** 32 + c1 * 2 ** 16 + c2;
}

/** The first position at or after `from` whose word does not start with `prefix` (the words from `from` on that do come first). */
function prefixEnd(words: readonly string[], prefix: string, from: number): number {
  // Galloping first: most prefixes cover a few words.
  let low = from;
  let high = from;
  let step = 1;
  while (high < words.length && words[high].startsWith(prefix)) {
    low = high + 1;
    high = low + step;
    step *= 2;
  }
  if (high > words.length) high = words.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (words[mid].startsWith(prefix)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The first position in list[from .. to) whose value is not less than `value`. */
function lowerBoundIn(list: Uint32Array, from: number, to: number, value: number): number {
  let low = from;
  let high = to;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
