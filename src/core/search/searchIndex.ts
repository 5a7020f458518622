/**
 * The full-text index behind Search Papers and Related Papers: BM25 over four fields (title, boosted;
 * abstract; tags; note text), lunr's stemmer and stop words, and lunr's query language executed on
 * compact typed arrays instead of lunr's object graph (see README, "Search").
 *
 * Layout. Every document has a forward entry (its sorted term ids, and per term its count in each
 * field, one byte each); that is what updates work on. The inverted postings (per term: document
 * ids and field counts) are derived from it by one counting-sort pass. Only the postings are
 * serialised: a search reads them as they were written, and the forward entries are derived back
 * from them the first time something needs them (Related, an update), so that loading a cached
 * index costs its reading, not a rebuild.
 * Updating one document marks the old version dead, appends the new one, and lists its postings in a
 * small side table; document frequencies and field lengths are kept exact, so scores after an
 * update equal those of a rebuild. `compact()` folds the side table in when it grows.
 */
import { splitIdentifiers, spellingClass, Analyzer } from './analyzer';
import { isGenericInPair, isGenericStem } from './genericWords';
import { topK, U32List, U8List } from './buffers';
import { noteBodyForIndex } from './noteBody';
import { hasPhrases, parseQuery, SEARCH_FIELDS, type QueryClause, type SearchField } from './query';
import { Vocabulary } from './vocabulary';

/**
 * Note text beyond this many characters is not indexed, by the extension and the CLI alike, so that
 * both find the same papers: a note is prose, not a data dump.
 */
export const MAX_INDEXED_NOTE_CHARS = 200_000;

/** What the index knows of a paper. */
export interface SearchDocument {
  key: string;
  title: string;
  abstract: string;
  tags: readonly string[];
  /** The paper's note (markdown), or '' when it has none. */
  note: string;
}

/** A paper's fields by its key, for checking phrases (SearchIndex.search); undefined when the caller does not have the paper. */
export type DocumentSource = (key: string) => SearchDocument | undefined;

/** A query word found in a result, and the fields it was found in. */
export interface SearchMatch {
  word: string;
  fields: SearchField[];
}

export interface SearchHit {
  key: string;
  /** BM25 score: higher is better; comparable within one query only. */
  score: number;
  /** The words of the query (for a wildcard or fuzzy clause, the words they matched) found in this paper. */
  matches: SearchMatch[];
}

export interface SearchResult {
  hits: SearchHit[];
  /** How many papers matched in all (hits holds at most `limit`). */
  total: number;
  /** Sentences for the user: text read as plain words, words ignored, wildcards cut short. */
  hints: string[];
}

/** Counts and sizes, for the benchmark and the log. */
export interface SearchIndexStats {
  documents: number;
  terms: number;
  words: number;
  postings: number;
  /** Bytes held in typed arrays (postings, forward entries, per-document data, the word index). */
  typedArrayBytes: number;
  /** Of those, the word index's (vocabulary.ts: trigrams for wildcards). */
  vocabularyBytes: number;
}

/**
 * See SearchIndex.documentTerms: document d's terms are terms[offsets[d] .. offsets[d + 1]), each with
 * FIELD_COUNT counts in `counts`; the tags and note counts are their bytes' low 4 bits (the high bits
 * are the search's spelling mask, see SMALL_MAX_COUNT), the title and abstract counts whole bytes.
 */
export interface DocumentTerms {
  keys: readonly string[];
  alive: Uint8Array;
  offsets: Uint32Array;
  terms: Uint32Array;
  counts: Uint8Array;
  termCount: number;
  /** A readable word per term id. */
  words: readonly string[];
}

/**
 * Search's BM25F: each field's count is length-normalised with its own b and weighted by its boost,
 * and the sum saturates once with K1. A title word counts eight times an abstract word before the
 * saturation, with a k1 of 2 that keeps it well above one abstract mention after (about 2.4 times),
 * and titles are not length-normalised (b 0: a long title is not a diluted one). Summing per-field
 * saturations instead was tried and ranked worse on the tuning queries (nDCG@10 0.80 against 0.84):
 * a common word in title and abstract then outweighs a rare one in the abstract. Chosen on the tuning
 * queries only, with the papers titled "Behavioral Cloning" above "Thought Cloning" for `behavior
 * cloning` (issue 12).
 */
const FIELD_BOOST = [8, 1, 2, 1];
const FIELD_B = [0, 0.75, 0.75, 0.75];
const K1 = 2;
const [BOOST0, BOOST1, BOOST2, BOOST3] = FIELD_BOOST;
const [B0, B1, B2, B3] = FIELD_B;

/**
 * BM25F: a term's weight in one paper (idf not applied), from its field counts at counts[at ..] and
 * the paper's field lengths at fieldLen[base ..]; 0 when the term is in none of `fields`. The one copy
 * of the arithmetic: scoreWord, weightAt and forEachWeight call it for every posting they read, and V8
 * inlines it there (rankingAb.bench.ts measures those loops against a tree that wrote it out by hand).
 */
function fieldWeight(counts: Uint8Array, at: number, fieldLen: Uint32Array, base: number, fields: number, average: Float64Array): number {
  let pseudo = 0;
  const title = counts[at];
  if (title !== 0 && (fields & 1) !== 0) pseudo += (BOOST0 * title) / (1 - B0 + (B0 * fieldLen[base]) / average[0]);
  const abstract = counts[at + 1];
  if (abstract !== 0 && (fields & 2) !== 0) pseudo += (BOOST1 * abstract) / (1 - B1 + (B1 * fieldLen[base + 1]) / average[1]);
  const tags = counts[at + TAGS_FIELD] & 0x0f;
  if (tags !== 0 && (fields & 4) !== 0) pseudo += (BOOST2 * tags) / (1 - B2 + (B2 * fieldLen[base + 2]) / average[2]);
  const note = counts[at + NOTE_FIELD] & 0x0f;
  if (note !== 0 && (fields & 8) !== 0) pseudo += (BOOST3 * note) / (1 - B3 + (B3 * fieldLen[base + 3]) / average[3]);
  return pseudo === 0 ? 0 : (pseudo * (K1 + 1)) / (pseudo + K1);
}
const FIELD_COUNT = SEARCH_FIELDS.length;
/** A word's count in a paper, for Related: a title says what a paper is about better than any abstract sentence. */
const RELATED_FIELD_BOOST = [3, 1, 2, 1];
/**
 * What a word found by an edit distance counts for beside the word asked for: `cloning~1` ranks the
 * papers with "cloning" above those with only "closing", even in a title.
 */
const FUZZY_WEIGHT = 0.25;
/** What a word matched by a wildcard counts for beside a word typed in full. */
const WILDCARD_WEIGHT = 0.5;
/**
 * What a paper that has a query word only in another form of its stem ("behavioral" for "behavior")
 * counts for beside one that has the word's own form (see spellingClass).
 */
const STEM_WEIGHT = 0.6;
/** At most this many papers are read to check that a phrase's words stand side by side (the best scored first). */
export const PHRASE_CANDIDATES = 2000;
/** A wildcard or fuzzy clause is searched with at most this many of the words it matches (the most common). */
export const MAX_EXPANSIONS = 64;
/**
 * Related papers: a word in more than this share of the papers is common; it adds to the scores of
 * the papers found through the rarer words instead of finding papers itself (see relatedTo).
 */
const COMMON_SHARE = 0.01;
/** ...and in more than this many papers, so that in a small library every paper is found through most of its words. */
const COMMON_MIN = 32;
/** How many of the words a related paper shares with the paper are shown as the reason. */
const RELATED_REASONS = 6;
/**
 * Related papers' word pairs: two significant words side by side in one field ("behavior cloning",
 * "autonomous driving"; stop words between them skipped, punctuation breaking the pair), each kept
 * per paper as a PAIR_HASH_BITS hash of the two stems with the pair's weighted count (title ×3, as a
 * word's) in the low PAIR_COUNT_BITS bits of one 32-bit entry, sorted. A pair counts in the cosine
 * as a word does, with its own idf (computed from PAIR_BUCKET_BITS buckets of the hashes).
 */
const PAIR_COUNT_BITS = 5;
const PAIR_MAX_COUNT = (1 << PAIR_COUNT_BITS) - 1;
const PAIR_BUCKET_BITS = 22;
const PAIR_BUCKET_SHIFT = 32 - PAIR_BUCKET_BITS;
/**
 * The order in which a reason's word prefers the spelling classes a paper has (analyzer.ts): -ion and
 * -ment, -ing, the base form, -al, -er, -ize, -ed, other; a pair then reads "imitation learning".
 */
const REASON_CLASSES = [4, 1, 0, 3, 5, 6, 2, 7];
/** The word cosine's best this many (or `limit`, when larger) are scored again with the pairs; the harness found no gain beyond 30. */
const PAIR_RESCORED = 100;
/** The side table is folded into the postings when it holds this share of the documents. */
const COMPACT_RATIO = 0.1;
const COMPACT_MIN = 512;
/** Counts saturate at 255 in a byte; BM25 has long stopped growing by then. */
const MAX_COUNT = 255;
/**
 * The tags and note counts keep 4 bits (up to 15) each; their other 4 bits hold the paper's spelling
 * mask for the term: bit c set when the paper has a word of spelling class c (analyzer.ts) with that
 * stem, classes 0-3 in the tags byte, 4-7 in the note byte. A tag or note word said more than 15 times
 * is saturated anyway, and the mask costs no memory.
 */
const SMALL_MAX_COUNT = 15;
const FIELD_MAX_COUNT = [MAX_COUNT, MAX_COUNT, SMALL_MAX_COUNT, SMALL_MAX_COUNT];
const COUNT_BITS = [0xff, 0xff, 0x0f, 0x0f];
const TAGS_FIELD = 2;
const NOTE_FIELD = 3;
/** Words' entries in the word map: term id × 8 + spelling class, or -1 for a stop word. */
const CLASS_SHIFT = 3;
const CLASS_BITS = 7;

/** A word, or (group 1) a mark that ends a word pair. */
const WORD_OR_BREAK = /[\p{L}\p{N}]+|([.,;:!?()[\]])/gu;
/** The marks that end a word pair, by ASCII code. */
const PAIR_BREAK_ASCII = Uint8Array.from({ length: 128 }, (_, c) => ('.,;:!?()[]'.includes(String.fromCharCode(c)) ? 1 : 0));
const NON_ASCII = /[\u0080-\uffff]/;
const MAX_WORD_LENGTH = 40;

/** Related papers' weights (SearchIndex.relatedWeightsOf). */
interface RelatedWeights {
  /** Per term, the square root of its idf. */
  rootIdf: Float64Array;
  /** Per document, the length of its word vector. */
  norm: Float64Array;
  /** Per document, the length of its whole vector (words and pairs), or -1 until first needed (fullNormOf). */
  fullNorm: Float64Array;
  /** Per pair bucket, how many live papers have a pair in it. */
  pairDf: Uint32Array;
  /** √idf of a pair by its df (index: df, 0 under 2). */
  rootIdfOfDf: Float64Array;
  /** The library's words of a stem, by term, as reasons have needed them (SearchIndex.wordsOfTerm). */
  spellings: Map<number, string[]>;
}

/** What Related looks for: word weights (unit length over the words), the words' length, pair entries (sorted) and the whole length. */
interface RelatedQuery {
  words: Map<number, number>;
  wordNorm: number;
  pairs: Uint32Array;
  norm: number;
}

/** A term of a query resolved against the dictionary. */
interface Expansion {
  term: number;
  /** The words of the query's that stand for the term (the word typed, or the words a wildcard or misspelling matched), sorted. */
  words: string[];
  /** The spelling classes of `words`: a paper with one of them has the word as asked, else only its stem. */
  classes: number;
  /** What the term counts for: 1 for the word asked for, less for a wildcard's or misspelling's other words. */
  weight: number;
}

/** Per-query scratch space, reused across queries and reset through the lists of touched ids. */
interface Scratch {
  total: Float64Array;
  clause: Float64Array;
  flags: Uint8Array;
  required: Uint8Array;
  totalIds: Int32Array;
  clauseIds: Int32Array;
  /** The papers marked (MARKED) in this search, markedIds[0 .. marked). */
  markedIds: Int32Array;
  marked: number;
  /** A score the `limit`-th result is known to reach (scoreExpansions' θ), or -Infinity: papers below it are counted, not ranked. */
  floor: number;
}

const IN_TOTAL = 1;
const IN_CLAUSE = 2;
const BANNED = 4;
/** Found only by the words a pruned clause left unscored (scoreExpansions): a match, below the results shown. */
const MARKED = 8;

export class SearchIndex {
  private readonly analyzer = new Analyzer();
  // The dictionary: term id <-> stem, and how many live documents have the term.
  private terms: string[] = [];
  private termIdMap: Map<string, number> | null = new Map();
  private df = new U32List();
  // Surface words (lower case) -> term id and spelling class (CLASS_SHIFT), or -1 for a stop word; and their sorted list, built on demand.
  private wordTermMap: Map<string, number> | null = new Map();
  private sortedWords: string[] | null = null;
  private sortedWordTerms: Uint32Array | null = null;
  private displayWords: string[] | null = null;
  /** The words for wildcard and fuzzy clauses (vocabulary.ts), over sortedWords as they were when it was built. */
  private vocabulary: Vocabulary | null = null;
  // Documents by id: key, live or dead, field lengths (4 per doc), content hash (2 per doc).
  private keys: string[] = [];
  private docIdMap: Map<string, number> | null = new Map();
  private alive = new U8List();
  private fieldLen = new U32List();
  private docHash = new U32List();
  private readonly totalLen = new Float64Array(FIELD_COUNT);
  private live = 0;
  // Forward entries: document d's terms are fwdTerms[fwdOffset[d] .. fwdOffset[d + 1]), sorted;
  // fwdCounts holds 4 bytes (one per field) per entry.
  private fwdOffset = U32List.from(Uint32Array.of(0));
  private fwdTerms = new U32List();
  private fwdCounts = new U8List();
  /** False after deserialize until the forward entries are derived from the postings (ensureForward). */
  private hasForward = true;
  // Postings of documents below baseDocs, for terms below baseTerms; later documents are in `extra`.
  private postOffset: Uint32Array = new Uint32Array(1);
  private postDocs: Uint32Array = new Uint32Array(0);
  private postCounts: Uint8Array = new Uint8Array(0);
  private baseDocs = 0;
  private baseTerms = 0;
  private extra = new Map<number, number[]>();
  private termSlot = new Int32Array(1024).fill(-1);
  private scratch: Scratch | null = null;
  private marks = new Int32Array(0);
  /**
   * Score every word of a wildcard or fuzzy clause, as if no word could be left out (see
   * scoreExpansions): for the unit tests and benchmarks that compare the two.
   */
  exhaustiveScoring = false;
  /** How many of its words the last search left unscored (see scoreExpansions), for the same tests. */
  lastDeferred = 0;
  /** Per term a hash of its stem (for word pairs, so that a pair's hash survives renumbering); filled on demand after deserialize. */
  private termHash = new U32List();
  // Word pairs: document d's pair entries (hash << PAIR_COUNT_BITS | weighted count, ascending) are pairEntries[pairOffset[d] .. pairOffset[d + 1]).
  private pairOffset = U32List.from(Uint32Array.of(0));
  private pairEntries = new U32List();
  /** Documents below this id have their pair entries sorted and summed (sortPairs); those after, one entry per occurrence. */
  private sortedPairDocs = 0;
  /** Scratch for a text's pairs (relatedToText). */
  private pairScratch = new Uint32Array(256);
  /** Related papers' weights (see relatedWeightsOf); null when the index changed since. */
  private relatedWeights: RelatedWeights | null = null;
  /** Equal scores rank by key, so that results do not depend on the order documents were added in. */
  private readonly keyOrder = (a: number, b: number) => this.keys[a] < this.keys[b];

  // The three lookup maps. A deserialized index builds each only when first asked: a search needs
  // the terms alone, and 100,000 keys put into a map cost more than the query.
  private get termIds(): Map<string, number> {
    return (this.termIdMap ??= new Map(this.terms.map((stem, t) => [stem, t])));
  }

  private get wordTerm(): Map<string, number> {
    if (!this.wordTermMap) {
      const map = new Map<string, number>();
      for (let i = 0; i < this.sortedWords!.length; i++) {
        const word = this.sortedWords![i];
        const term = this.sortedWordTerms![i];
        map.set(word, (term << CLASS_SHIFT) | spellingClass(word, this.terms[term]));
      }
      this.wordTermMap = map;
    }
    return this.wordTermMap;
  }

  private get docIds(): Map<string, number> {
    return (this.docIdMap ??= new Map(this.keys.map((key, id) => [key, id])));
  }

  /** Builds an index of `documents` (later duplicates of a key replace earlier ones). */
  static build(documents: Iterable<SearchDocument>): SearchIndex {
    const index = new SearchIndex();
    for (const document of documents) index.addForBuild(document);
    index.compact();
    return index;
  }

  /**
   * Adds documents while building, without postings: call `compact()` when all are added. Lets a
   * caller build in chunks (yielding between them) and report progress.
   */
  addForBuild(document: SearchDocument): void {
    this.ensureForward();
    const existing = this.docIds.get(document.key);
    if (existing !== undefined) this.kill(existing);
    this.append(document, false);
  }

  /** The number of live documents. */
  get size(): number {
    return this.live;
  }

  has(key: string): boolean {
    return this.docIds.has(key);
  }

  keysInOrder(): string[] {
    return this.keys.filter((_, id) => this.alive.data[id] === 1);
  }

  /**
   * A hash of everything indexed (every document's key and fields), independent of the order in
   * which documents were added: equal for equal libraries, different when any field differs.
   */
  get contentHash(): string {
    let a = this.live;
    let b = FORMAT_VERSION;
    for (let id = 0; id < this.keys.length; id++) {
      if (this.alive.data[id] !== 1) continue;
      a = (a + this.docHash.data[2 * id]) >>> 0;
      b = (b + this.docHash.data[2 * id + 1]) >>> 0;
    }
    return `${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}`;
  }

  /** True when the index holds `document` exactly as given (same key and fields). */
  isCurrent(document: SearchDocument): boolean {
    const id = this.docIds.get(document.key);
    if (id === undefined) return false;
    const [a, b] = hashDocument(document);
    return this.docHash.data[2 * id] === a && this.docHash.data[2 * id + 1] === b;
  }

  /**
   * Adds or replaces one document without rebuilding; returns false when the index already held it
   * unchanged. Scores afterwards equal those of an index built from scratch.
   */
  upsert(document: SearchDocument): boolean {
    if (this.isCurrent(document)) return false;
    this.ensureForward();
    const existing = this.docIds.get(document.key);
    if (existing !== undefined) this.kill(existing);
    this.append(document, true);
    this.maybeCompact();
    return true;
  }

  /** Removes a document; returns false when there was none with that key. */
  remove(key: string): boolean {
    const id = this.docIds.get(key);
    if (id === undefined) return false;
    this.ensureForward();
    this.kill(id);
    this.maybeCompact();
    return true;
  }

  /**
   * Runs a query in lunr's syntax, with phrases in double quotes. Never throws on any text: what lunr
   * cannot parse is searched as plain words, and `hints` says so.
   *
   * A phrase's papers are found through its words' postings (a paper must have them all) and then
   * read: `textOf` gives a candidate's fields, which are split and stemmed as the index does, and the
   * phrase matches where its words stand side by side in one field (stop words left out on both
   * sides). At most PHRASE_CANDIDATES papers are read per phrase, the best scored first. Without
   * `textOf` a phrase is searched as its words, all required, and a hint says so.
   */
  search(text: string, limit = 50, textOf?: DocumentSource): SearchResult {
    const parsed = parseQuery(text);
    const hints = [...parsed.hints];
    const clauses: { clause: QueryClause; expansions: Expansion[] }[] = [];
    const ignored: string[] = [];
    // Per phrase: the stems to find side by side, and whether all its words are in the library.
    const phrases = parsed.phrases.map((phrase) => ({ phrase, stems: [] as string[], words: 0, viable: true }));
    for (const clause of parsed.clauses) {
      const resolved = this.resolve(clause, hints);
      if (clause.phrase !== undefined) {
        const state = phrases[clause.phrase];
        // A stop word inside a phrase is left out, as the index leaves it out of the text.
        if (resolved === null) continue;
        state.stems.push(this.analyzer.stem(clause.word));
        state.words++;
        if (resolved.length === 0) state.viable = false;
      }
      if (resolved === null) ignored.push(clause.word);
      else clauses.push({ clause, expansions: resolved });
    }
    if (ignored.length > 0) hints.push(`Ignored common or one-letter word${ignored.length === 1 ? '' : 's'}: ${[...new Set(ignored)].slice(0, 8).join(', ')}.`);
    if (clauses.length === 0) {
      if (hints.length === 0)
        hints.push('Nothing to search for: type a word (cloning), a field (title:cloning), a wildcard (imit*) or a misspelling (cloning~1).');
      return { hits: [], total: 0, hints };
    }

    const missing = clauses.find(({ clause, expansions }) => clause.presence === 'required' && expansions.length === 0);
    if (missing) {
      const phrase = missing.clause.phrase === undefined ? undefined : parsed.phrases[missing.clause.phrase];
      const what = phrase ? `the phrase "${phrase.words.join(' ')}"` : `"${missing.clause.word}"`;
      return { hits: [], total: 0, hints: [...hints, `No paper has ${what}, which the query requires.`] };
    }
    if (textOf === undefined && phrases.some((state) => state.words > 1)) {
      hints.push('Phrases are searched as words here (all of them required): side by side is checked only where the papers’ text is at hand.');
    }

    const scratch = this.scratchSpace();
    let totalCount = 0;
    const requiredCount =
      clauses.filter(({ clause }) => clause.presence === 'required' && clause.phrase === undefined).length +
      phrases.filter((state) => state.phrase.presence === 'required' && state.words > 0).length;
    const banned: number[] = [];
    const ban = (doc: number) => {
      if ((scratch.flags[doc] & BANNED) === 0) {
        scratch.flags[doc] |= BANNED;
        banned.push(doc);
      }
    };
    const addToTotal = (doc: number, score: number, required: boolean) => {
      if ((scratch.flags[doc] & IN_TOTAL) === 0) {
        scratch.flags[doc] |= IN_TOTAL;
        scratch.totalIds[totalCount++] = doc;
      }
      scratch.total[doc] += score;
      if (required) scratch.required[doc]++;
    };
    // A phrase's papers so far: doc -> the sum of its words' scores and how many of its words it has.
    const phraseDocs = phrases.map(() => new Map<number, { score: number; words: number }>());
    // The clause whose words may be left unscored once they cannot change the top `limit` (see
    // scoreExpansions) is scored last, in either mode, so that pruned and exhaustive sums add alike.
    const prunable = phrases.length === 0 ? this.prunableClause(clauses) : -1;
    const scoringOrder = prunable < 0 ? clauses : [...clauses.filter((_, i) => i !== prunable), clauses[prunable]];
    this.lastDeferred = 0;
    scratch.marked = 0;
    scratch.floor = -Infinity;
    let positive = false;
    for (const { clause, expansions } of scoringOrder) {
      const inPhrase = clause.phrase !== undefined;
      if (inPhrase && !phrases[clause.phrase!].viable) continue;
      if (clause.presence === 'prohibited' && !inPhrase) {
        for (const { term } of expansions) this.forEachPosting(term, clause.fields, ban);
        continue;
      }
      if (clause.presence !== 'prohibited') positive = true;
      const clauseCount =
        prunable >= 0 && clause === clauses[prunable].clause
          ? this.scoreExpansions(clause, expansions, scratch, totalCount, requiredCount, limit)
          : this.scoreClause(clause, expansions, scratch);
      const docs = inPhrase ? phraseDocs[clause.phrase!] : undefined;
      for (let i = 0; i < clauseCount; i++) {
        const doc = scratch.clauseIds[i];
        scratch.flags[doc] &= ~IN_CLAUSE;
        if (docs) {
          const entry = docs.get(doc);
          if (entry) {
            entry.score += scratch.clause[doc];
            entry.words++;
          } else {
            docs.set(doc, { score: scratch.clause[doc], words: 1 });
          }
        } else {
          addToTotal(doc, scratch.clause[doc], clause.presence === 'required');
        }
        scratch.clause[doc] = 0;
      }
    }
    // Each phrase counts as one clause, for the papers that have its words side by side.
    phrases.forEach((state, p) => {
      if (!state.viable || state.words === 0) return;
      const found = [...phraseDocs[p]].filter(([, entry]) => entry.words === state.words);
      let matching = found;
      if (state.words > 1 && textOf !== undefined) {
        const withWords = found.length;
        if (withWords > PHRASE_CANDIDATES) {
          found.sort(([a, x], [b, y]) => y.score - x.score || (this.keys[a] < this.keys[b] ? -1 : 1));
          found.length = PHRASE_CANDIDATES;
          hints.push(`"${state.phrase.words.join(' ')}": checked the ${PHRASE_CANDIDATES} best scored of the ${withWords} papers with all its words.`);
        }
        matching = found.filter(([doc]) => {
          const document = textOf(this.keys[doc]);
          return document !== undefined && this.hasPhrase(document, state.stems, state.phrase.fields);
        });
      }
      for (const [doc, entry] of matching) {
        if (state.phrase.presence === 'prohibited') ban(doc);
        else addToTotal(doc, entry.score, state.phrase.presence === 'required');
      }
    });

    // Candidates: every document of a positive clause, or every document when all clauses are -x.
    let candidates: Int32Array;
    let candidateCount = 0;
    // Candidates below the floor cannot be among the top `limit`: counted, not ranked.
    let below = 0;
    if (positive) {
      // Into clauseIds (free now): totalIds still lists what to reset below.
      candidates = scratch.clauseIds;
      for (let i = 0; i < totalCount; i++) {
        const doc = scratch.totalIds[i];
        if ((scratch.flags[doc] & (BANNED | MARKED)) === 0 && scratch.required[doc] === requiredCount) {
          if (scratch.total[doc] >= scratch.floor) candidates[candidateCount++] = doc;
          else below++;
        }
      }
    } else {
      candidates = new Int32Array(this.live);
      for (let doc = 0; doc < this.keys.length; doc++) {
        if (this.alive.data[doc] === 1 && (scratch.flags[doc] & BANNED) === 0) candidates[candidateCount++] = doc;
      }
    }
    const best = topK(candidates, candidateCount, scratch.total, limit, this.keyOrder);
    // The papers only the unscored words of the pruned clause found are matches below the results:
    // counted, not ranked (scoreExpansions); the clause itself is not among their required clauses yet.
    let total = candidateCount + below;
    if (scratch.marked > 0) {
      const requiredHere = clauses[prunable].clause.presence === 'required' ? 1 : 0;
      for (let i = 0; i < scratch.marked; i++) {
        const doc = scratch.markedIds[i];
        if ((scratch.flags[doc] & BANNED) === 0 && scratch.required[doc] + requiredHere === requiredCount) total++;
      }
    }
    const spellings = new Map<number, string[]>();
    const hits = best.map((doc) => ({ key: this.keys[doc], score: scratch.total[doc], matches: this.matchesOf(doc, clauses, spellings) }));

    // Reset the scratch space through the lists of what was touched.
    for (let i = 0; i < totalCount; i++) {
      const doc = scratch.totalIds[i];
      scratch.total[doc] = 0;
      scratch.required[doc] = 0;
      scratch.flags[doc] = 0;
    }
    for (const doc of banned) scratch.flags[doc] = 0;
    for (let i = 0; i < scratch.marked; i++) scratch.flags[scratch.markedIds[i]] = 0;
    if (total === 0 && hints.length === 0) hints.push('No paper matches. Try fewer words, a wildcard (imit*) or a misspelling allowance (cloning~1).');
    return { hits, total, hints };
  }

  /**
   * The keys of the papers whose text `search(text, limit, textOf)` will ask `textOf` for (those with
   * every word of a phrase, at most PHRASE_CANDIDATES per phrase), so that a caller who must fetch
   * the text (the worker, from the extension host) fetches them first; null when the query has no
   * phrase to check.
   */
  phraseCandidates(text: string, limit = 50): string[] | null {
    if (!hasPhrases(text)) return null;
    const keys = new Set<string>();
    this.search(text, limit, (key) => {
      keys.add(key);
      return undefined;
    });
    return [...keys];
  }

  /** True when `stems` stand side by side, in order, in one of the `fields` of `document`, split and stemmed as the index splits it. */
  private hasPhrase(document: SearchDocument, stems: readonly string[], fields: number): boolean {
    const texts = documentFields(document);
    for (let f = 0; f < FIELD_COUNT; f++) {
      if ((fields & (1 << f)) === 0) continue;
      const sequence: string[] = [];
      this.forEachWord(texts[f].toLowerCase(), (word) => {
        const stem = this.analyzer.stem(word);
        if (stem !== '') sequence.push(stem);
      });
      let found = false;
      for (let i = 0; i + stems.length <= sequence.length && !found; i++) {
        let j = 0;
        while (j < stems.length && sequence[i + j] === stems[j]) j++;
        found = j === stems.length;
      }
      if (found) return true;
    }
    return false;
  }

  /**
   * The papers most related to the paper `key`, by the cosine of their vectors of words and word
   * pairs (see relatedWeightsOf): every word and pair the paper shares with another counts, a common
   * one little and a rare one more. Each hit's matches are the shared pairs and words that weigh most
   * in its score. Empty when the index does not hold `key`.
   */
  related(key: string, limit = 10): SearchHit[] {
    const id = this.docIds.get(key);
    if (id === undefined) return [];
    this.ensureForward();
    const { rootIdf, norm } = this.relatedWeightsOf();
    const query = new Map<number, number>();
    if (norm[id] > 0) {
      for (let i = this.fwdOffset.data[id]; i < this.fwdOffset.data[id + 1]; i++) {
        const term = this.fwdTerms.data[i];
        if (this.df.data[term] < 2) continue;
        query.set(term, (relatedTf(this.fwdCounts.data, FIELD_COUNT * i) * rootIdf[term]) / norm[id]);
      }
    }
    const pairs = this.pairEntries.data.subarray(this.pairOffset.data[id], this.pairOffset.data[id + 1]);
    return this.relatedTo({ words: query, wordNorm: norm[id], pairs, norm: this.fullNormOf(id) }, limit, id);
  }

  /**
   * The papers most related to a piece of text (an editor selection, a note): the cosine of its known
   * words' and word pairs' vector (camelCase and snake_case split into words) with each paper's.
   * `excludeKey` leaves one paper out (the note's own paper).
   */
  relatedToText(text: string, limit = 10, excludeKey?: string): SearchHit[] {
    this.ensureForward();
    this.ensureTermHashes();
    const counts = new Map<number, number>();
    let pairCount = 0;
    let previous = -1;
    this.forEachWord(splitIdentifiers(text).toLowerCase(), (word, broken) => {
      if (broken) previous = -1;
      const entry = this.wordTerm.get(word);
      const term = entry === undefined ? this.termIds.get(this.analyzer.stem(word)) : entry < 0 ? -1 : entry >> CLASS_SHIFT;
      if (term === -1) return; // a stop word, skipped as the index skips it between the words of a pair
      if (term === undefined || this.df.data[term] === 0) {
        // A word no paper has: no pair of the library spans it.
        previous = -1;
        return;
      }
      counts.set(term, (counts.get(term) ?? 0) + 1);
      if (previous >= 0 && previous !== term) {
        if (pairCount === this.pairScratch.length) {
          const grown = new Uint32Array(2 * pairCount);
          grown.set(this.pairScratch);
          this.pairScratch = grown;
        }
        this.pairScratch[pairCount++] = pairEntry(this.termHash.data[previous], this.termHash.data[term], 1);
      }
      previous = term;
    });
    const pairs = sumPairs(this.pairScratch.subarray(0, pairCount).sort());
    const { rootIdf } = this.relatedWeightsOf();
    const query = new Map<number, number>();
    let length = 0;
    for (const [term, count] of counts) {
      const weight = (1 + Math.log(count)) * rootIdf[term];
      if (weight === 0) continue;
      query.set(term, weight);
      length += weight * weight;
    }
    const wordNorm = Math.sqrt(length);
    for (const [term, weight] of query) query.set(term, weight / wordNorm);
    const pairLength = this.pairLength(pairs);
    const exclude = excludeKey === undefined ? -1 : (this.docIds.get(excludeKey) ?? -1);
    return this.relatedTo({ words: query, wordNorm, pairs, norm: Math.sqrt(length + pairLength * pairLength) }, limit, exclude);
  }

  /**
   * Every document's terms with their counts per field (SEARCH_FIELDS order), for models trained over
   * the library (For You, forYou.ts): read-only views of the index's own arrays, valid until the
   * index next changes. Dead documents have `alive[doc] !== 1`.
   */
  documentTerms(): DocumentTerms {
    this.ensureForward();
    return {
      keys: this.keys,
      alive: this.alive.data,
      offsets: this.fwdOffset.data,
      terms: this.fwdTerms.data,
      counts: this.fwdCounts.data,
      termCount: this.terms.length,
      words: this.displayWordList(),
    };
  }

  stats(): SearchIndexStats {
    this.ensureForward();
    let terms = 0;
    for (let t = 0; t < this.terms.length; t++) if (this.df.data[t] > 0) terms++;
    let words = 0;
    for (const term of this.wordTerm.values()) if (term >= 0) words++;
    const typedArrayBytes =
      [
        this.df,
        this.fieldLen,
        this.docHash,
        this.fwdOffset,
        this.fwdTerms,
        this.fwdCounts,
        this.alive,
        this.pairOffset,
        this.pairEntries,
        this.termHash,
      ].reduce((sum, list) => sum + list.data.byteLength, 0) +
      this.postOffset.byteLength +
      this.postDocs.byteLength +
      this.postCounts.byteLength;
    const vocabularyBytes = this.vocabulary?.byteLength ?? 0;
    return { documents: this.live, terms, words, postings: this.fwdTerms.length, typedArrayBytes: typedArrayBytes + vocabularyBytes, vocabularyBytes };
  }

  /**
   * Rewrites the index without dead documents and unused terms, and derives the postings of every
   * document. Called after a build, before serialising, and by updates when the side table grows.
   */
  compact(): void {
    this.ensureForward();
    const hasDead = this.live !== this.keys.length;
    if (hasDead) this.dropDead();
    this.transpose();
    this.currentVocabulary();
  }

  // --- Serialisation ------------------------------------------------------------------------------

  /**
   * The index as bytes (compacted first): a small JSON header, then the dictionary, the keys and the
   * postings as typed arrays. `deserialize` reads them back as they are.
   */
  serialize(): Uint8Array {
    if (this.live !== this.keys.length || this.extra.size > 0 || this.baseDocs !== this.keys.length || this.baseTerms !== this.terms.length) this.compact();
    this.sortWords();
    this.sortPairs();
    if (!this.vocabulary?.isExactly(this.sortedWords)) this.vocabulary = Vocabulary.build(this.sortedWords!, this.sortedWordTerms!);
    const grams = this.vocabulary.sections();
    const encoder = new TextEncoder();
    const sections: Uint8Array[] = [
      encoder.encode(this.keys.join('\n')),
      encoder.encode(this.terms.join('\n')),
      encoder.encode(this.sortedWords!.join('\n')),
      bytesOf(this.sortedWordTerms!),
      bytesOf(this.docHash.toArray()),
      bytesOf(this.fieldLen.toArray()),
      bytesOf(this.postOffset),
      bytesOf(this.postDocs),
      this.postCounts,
      bytesOf(grams.gramKeys),
      bytesOf(grams.gramOffsets),
      bytesOf(grams.gramWords),
      bytesOf(this.pairOffset.toArray()),
      bytesOf(this.pairEntries.toArray()),
    ];
    const header = encoder.encode(
      JSON.stringify({
        format: FORMAT_NAME,
        version: FORMAT_VERSION,
        documents: this.keys.length,
        terms: this.terms.length,
        words: this.sortedWords!.length,
        entries: this.postDocs.length,
        pairs: this.pairEntries.length,
        sections: sections.map((s) => s.byteLength),
      }),
    );
    let size = 4 + pad4(header.byteLength);
    for (const section of sections) size += pad4(section.byteLength);
    const out = new Uint8Array(size);
    new DataView(out.buffer).setUint32(0, header.byteLength, true);
    out.set(header, 4);
    let offset = 4 + pad4(header.byteLength);
    for (const section of sections) {
      out.set(section, offset);
      offset += pad4(section.byteLength);
    }
    return out;
  }

  /**
   * Reads what `serialize` wrote, keeping views of `bytes` (do not change them afterwards). Throws
   * SearchIndexFormatError on anything else (the caller rebuilds).
   */
  static deserialize(bytes: Uint8Array): SearchIndex {
    const fail = (why: string): never => {
      throw new SearchIndexFormatError(why);
    };
    if (bytes.byteLength < 8) fail('the file is too short');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = view.getUint32(0, true);
    if (headerLength > 4096 || 4 + headerLength > bytes.byteLength) fail('the header is damaged');
    let header: { format?: unknown; version?: unknown; documents: number; terms: number; words: number; entries: number; pairs: number; sections: number[] };
    try {
      header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as typeof header;
    } catch {
      return fail('the header is not JSON');
    }
    if (header.format !== FORMAT_NAME || header.version !== FORMAT_VERSION) fail(`it is not a version ${FORMAT_VERSION} index`);
    const { documents: n, terms: t, words: w, entries: p, pairs: q, sections: lengths } = header;
    if (!Number.isSafeInteger(q) || q < 0) fail('its sections have the wrong sizes');
    const expected = [-1, -1, -1, 4 * w, 8 * n, 4 * FIELD_COUNT * n, 4 * (t + 1), 4 * p, FIELD_COUNT * p, -1, -1, -1, 4 * (n + 1), 4 * q];
    if (
      !Array.isArray(lengths) ||
      lengths.length !== expected.length ||
      lengths.some((length, i) => !Number.isSafeInteger(length) || length < 0 || (expected[i] >= 0 && length !== expected[i]))
    ) {
      fail('its sections have the wrong sizes');
    }
    let offset = 4 + pad4(headerLength);
    const sections: Uint8Array[] = [];
    for (const length of lengths) {
      if (offset + length > bytes.byteLength) fail('the file is truncated');
      sections.push(bytes.subarray(offset, offset + length));
      offset += pad4(length);
    }
    // Bytes past the last section are no part of an index: a file that holds them is not this one.
    if (offset !== bytes.byteLength) fail('the file has bytes after its end');
    const decoder = new TextDecoder();
    const lines = (section: Uint8Array, count: number) => {
      const list = count === 0 ? [] : decoder.decode(section).split('\n');
      if (list.length !== count) fail('a word list has the wrong length');
      return list;
    };
    const index = new SearchIndex();
    index.keys = lines(sections[0], n);
    index.terms = lines(sections[1], t);
    const words = lines(sections[2], w);
    const wordTerms = u32Of(sections[3]);
    // Views of `bytes`, not copies: the caller hands the bytes over.
    index.docHash = U32List.adopt(u32Of(sections[4]));
    index.fieldLen = U32List.adopt(u32Of(sections[5]));
    for (let i = 0; i < w; i++) if (wordTerms[i] >= t) fail('a word names a term that does not exist');
    index.termIdMap = null;
    index.wordTermMap = null;
    index.docIdMap = null;
    index.sortedWords = words;
    index.sortedWordTerms = wordTerms;
    index.alive = U8List.from(new Uint8Array(n).fill(1));
    index.live = n;
    for (let i = 0; i < n; i++) for (let f = 0; f < FIELD_COUNT; f++) index.totalLen[f] += index.fieldLen.data[FIELD_COUNT * i + f];
    // The postings, checked so that no read goes out of bounds: offsets ascend to the entry count,
    // and every posting names a document. A document's terms appear once each, so df is a length.
    const postOffset = u32Of(sections[6]);
    const postDocs = u32Of(sections[7]);
    if (postOffset[0] !== 0 || postOffset[t] !== p) fail('the postings do not add up');
    const df = new Uint32Array(t);
    for (let term = 0; term < t; term++) {
      if (postOffset[term + 1] < postOffset[term]) fail('the postings are out of order');
      df[term] = postOffset[term + 1] - postOffset[term];
    }
    // The order of a term's documents (ascending, as serialize wrote them) is the cache file's
    // checksum's to vouch for; a document id out of range would read past the arrays.
    let highest = 0;
    for (let i = 0; i < p; i++) if (postDocs[i] > highest) highest = postDocs[i];
    if (p > 0 && highest >= n) fail('a posting names a document that does not exist');
    index.df = U32List.from(df);
    index.postOffset = postOffset;
    index.postDocs = postDocs;
    index.postCounts = sections[8];
    index.hasForward = false;
    index.fwdOffset = new U32List(0);
    index.fwdTerms = new U32List(0);
    index.fwdCounts = new U8List(0);
    const pairOffset = u32Of(sections[12]);
    if (pairOffset[0] !== 0 || pairOffset[n] !== q) fail('the word pairs do not add up');
    for (let doc = 0; doc < n; doc++) if (pairOffset[doc + 1] < pairOffset[doc]) fail('the word pairs are out of order');
    index.pairOffset = U32List.adopt(pairOffset);
    index.pairEntries = U32List.adopt(u32Of(sections[13]));
    index.sortedPairDocs = n;
    index.termHash = new U32List(0);
    index.baseDocs = n;
    index.baseTerms = t;
    index.termSlot = new Int32Array(Math.max(t, 1024)).fill(-1);
    index.vocabulary = Vocabulary.fromSections(
      words,
      wordTerms,
      { gramKeys: u32Of(sections[9]), gramOffsets: u32Of(sections[10]), gramWords: u32Of(sections[11]) },
      fail,
    );
    return index;
  }

  // --- Building -----------------------------------------------------------------------------------

  /** Appends a document's forward entry (and, when `withPostings`, its side-table postings). */
  private append(document: SearchDocument, withPostings: boolean): void {
    const id = this.keys.length;
    this.relatedWeights = null;
    this.keys.push(document.key);
    this.docIds.set(document.key, id);
    this.alive.push(1);
    const [hashA, hashB] = hashDocument(document);
    this.docHash.push(hashA);
    this.docHash.push(hashB);

    const touched: number[] = [];
    const counts: number[] = [];
    const spellings: number[] = [];
    const texts = documentFields(document);
    this.ensureTermHashes();
    for (let field = 0; field < FIELD_COUNT; field++) {
      let length = 0;
      const cap = FIELD_MAX_COUNT[field];
      const pairBoost = RELATED_FIELD_BOOST[field];
      // The significant word before this one in the field, for its pair (-1 after punctuation).
      let previous = -1;
      this.forEachWord(texts[field].toLowerCase(), (word, broken) => {
        if (broken) previous = -1;
        const entry = this.entryOfWord(word);
        if (entry < 0) return;
        const term = entry >> CLASS_SHIFT;
        if (previous >= 0 && previous !== term) {
          // Into the array itself, not through push(): a uint32 passed to a call is boxed, one allocation per pair.
          const list = this.pairEntries;
          if (list.length === list.data.length) list.grow(list.length + 1);
          list.data[list.length++] = pairEntry(this.termHash.data[previous], this.termHash.data[term], pairBoost);
        }
        previous = term;
        length++;
        let slot = this.termSlot[term];
        if (slot < 0) {
          slot = touched.length;
          this.termSlot[term] = slot;
          touched.push(term);
          counts.push(0, 0, 0, 0);
          spellings.push(0);
        }
        spellings[slot] |= 1 << (entry & CLASS_BITS);
        const at = FIELD_COUNT * slot + field;
        if (counts[at] < cap) counts[at]++;
      });
      this.fieldLen.push(length);
      this.totalLen[field] += length;
    }
    const sorted = touched.slice().sort((a, b) => a - b);
    this.fwdTerms.grow(this.fwdTerms.length + sorted.length);
    this.fwdCounts.grow(this.fwdCounts.length + FIELD_COUNT * sorted.length);
    for (const term of sorted) {
      const slot = this.termSlot[term];
      this.termSlot[term] = -1;
      this.fwdTerms.push(term);
      const mask = spellings[slot];
      this.fwdCounts.push(counts[FIELD_COUNT * slot]);
      this.fwdCounts.push(counts[FIELD_COUNT * slot + 1]);
      this.fwdCounts.push(counts[FIELD_COUNT * slot + TAGS_FIELD] | ((mask & 0x0f) << 4));
      this.fwdCounts.push(counts[FIELD_COUNT * slot + NOTE_FIELD] | (mask & 0xf0));
      this.df.data[term]++;
      if (withPostings) {
        let list = this.extra.get(term);
        if (!list) this.extra.set(term, (list = []));
        list.push(id);
      }
    }
    this.fwdOffset.push(this.fwdTerms.length);
    // The pairs as they came (one entry per occurrence): sortPairs orders and sums them when Related or the cache first needs them.
    this.pairOffset.push(this.pairEntries.length);
    this.live++;
  }

  /**
   * Puts the pair entries of the documents added since the last call in order, one entry per pair
   * with its counts summed (capped at PAIR_MAX_COUNT), in place: an added document's entries are
   * one per occurrence, and sorting them is left out of the build (it would cost the build some 4 %),
   * for the first Related request or serialize.
   */
  private sortPairs(): void {
    const docCount = this.keys.length;
    if (this.sortedPairDocs === docCount) return;
    const offsets = this.pairOffset.data;
    const entries = this.pairEntries.data;
    let write = offsets[this.sortedPairDocs];
    for (let doc = this.sortedPairDocs; doc < docCount; doc++) {
      const start = offsets[doc];
      const end = offsets[doc + 1];
      entries.subarray(start, end).sort();
      // Writing never overtakes reading: each entry written sums one or more read.
      offsets[doc] = write;
      for (let i = start; i < end;) {
        const hash = entries[i] >>> PAIR_COUNT_BITS;
        let count = 0;
        for (; i < end && entries[i] >>> PAIR_COUNT_BITS === hash; i++) count += entries[i] & PAIR_MAX_COUNT;
        entries[write++] = ((hash << PAIR_COUNT_BITS) | Math.min(count, PAIR_MAX_COUNT)) >>> 0;
      }
    }
    offsets[docCount] = write;
    this.pairEntries.length = write;
    this.sortedPairDocs = docCount;
  }

  /** The stems' hashes (termHash) for every term, computed after a deserialize when first needed. */
  private ensureTermHashes(): void {
    for (let term = this.termHash.length; term < this.terms.length; term++) this.termHash.push(stemHash(this.terms[term]));
  }

  /** The word map's entry of a lower-cased word (term × 8 + spelling class), adding it to the dictionary; -1 for a stop word. */
  private entryOfWord(word: string): number {
    const known = this.wordTerm.get(word);
    if (known !== undefined) return known;
    const stem = this.analyzer.stem(word);
    let term: number | undefined;
    let entry = -1;
    if (stem !== '') {
      term = this.termIds.get(stem);
      if (term === undefined) {
        term = this.terms.length;
        this.terms.push(stem);
        this.termIds.set(stem, term);
        this.df.push(0);
        this.ensureTermHashes();
        if (term >= this.termSlot.length) {
          const slots = new Int32Array(this.termSlot.length * 2).fill(-1);
          slots.set(this.termSlot);
          this.termSlot = slots;
        }
      }
      this.sortedWords = null;
      this.displayWords = null;
      this.vocabulary?.add(word, term);
      entry = (term << CLASS_SHIFT) | spellingClass(word, stem);
    }
    this.wordTerm.set(word, entry);
    return entry;
  }

  /**
   * Calls `each(word, broken)` for every word of the text, in order; `broken` says that a mark which
   * ends a word pair (PAIR_BREAK: . , ; : ! ? and brackets) stands between it and the word before.
   */
  private forEachWord(lowerCaseText: string, each: (word: string, broken: boolean) => void): void {
    if (!NON_ASCII.test(lowerCaseText)) {
      // The common case, scanned by hand: the same words as WORD finds, without a match object per word.
      let start = -1;
      let broken = false;
      for (let i = 0; i <= lowerCaseText.length; i++) {
        const c = i < lowerCaseText.length ? lowerCaseText.charCodeAt(i) : 32;
        if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90)) {
          if (start < 0) start = i;
        } else {
          if (start >= 0) {
            each(lowerCaseText.slice(start, Math.min(i, start + MAX_WORD_LENGTH)), broken);
            start = -1;
            broken = false;
          }
          if (c < 128 && PAIR_BREAK_ASCII[c] === 1) broken = true;
        }
      }
      return;
    }
    WORD_OR_BREAK.lastIndex = 0;
    let broken = false;
    for (let match = WORD_OR_BREAK.exec(lowerCaseText); match !== null; match = WORD_OR_BREAK.exec(lowerCaseText)) {
      const word = match[0];
      if (match[1] !== undefined) {
        broken = true;
        continue;
      }
      each(word.length > MAX_WORD_LENGTH ? word.slice(0, MAX_WORD_LENGTH) : word, broken);
      broken = false;
    }
  }

  /** Marks a document dead and takes it out of the statistics; its entries stay until compact(). */
  private kill(id: number): void {
    if (this.alive.data[id] !== 1) return;
    this.relatedWeights = null;
    this.alive.data[id] = 0;
    this.docIds.delete(this.keys[id]);
    this.live--;
    for (let i = this.fwdOffset.data[id]; i < this.fwdOffset.data[id + 1]; i++) this.df.data[this.fwdTerms.data[i]]--;
    for (let f = 0; f < FIELD_COUNT; f++) this.totalLen[f] -= this.fieldLen.data[FIELD_COUNT * id + f];
  }

  private maybeCompact(): void {
    const pending = this.keys.length - this.live + (this.keys.length - this.baseDocs);
    if (pending > Math.max(COMPACT_MIN, this.live * COMPACT_RATIO)) this.compact();
  }

  /** Renumbers the live documents and the used terms, dropping the rest. */
  private dropDead(): void {
    this.relatedWeights = null;
    this.sortPairs();
    const termMap = new Int32Array(this.terms.length).fill(-1);
    const terms: string[] = [];
    for (let t = 0; t < this.terms.length; t++) {
      if (this.df.data[t] > 0) {
        termMap[t] = terms.length;
        terms.push(this.terms[t]);
      }
    }
    const keys: string[] = [];
    const fieldLen = new U32List(FIELD_COUNT * this.live);
    const docHash = new U32List(2 * this.live);
    const fwdOffset = new U32List(this.live + 1);
    fwdOffset.push(0);
    const fwdTerms = new U32List(this.fwdTerms.length);
    const fwdCounts = new U8List(this.fwdCounts.length);
    const pairOffset = new U32List(this.live + 1);
    pairOffset.push(0);
    const pairEntries = new U32List(this.pairEntries.length);
    for (let id = 0; id < this.keys.length; id++) {
      if (this.alive.data[id] !== 1) continue;
      // Pairs are hashes of stems, not of term ids: they stay as they are.
      for (let i = this.pairOffset.data[id]; i < this.pairOffset.data[id + 1]; i++) pairEntries.push(this.pairEntries.data[i]);
      pairOffset.push(pairEntries.length);
      keys.push(this.keys[id]);
      for (let f = 0; f < FIELD_COUNT; f++) fieldLen.push(this.fieldLen.data[FIELD_COUNT * id + f]);
      docHash.push(this.docHash.data[2 * id]);
      docHash.push(this.docHash.data[2 * id + 1]);
      for (let i = this.fwdOffset.data[id]; i < this.fwdOffset.data[id + 1]; i++) {
        fwdTerms.push(termMap[this.fwdTerms.data[i]]);
        for (let f = 0; f < FIELD_COUNT; f++) fwdCounts.push(this.fwdCounts.data[FIELD_COUNT * i + f]);
      }
      fwdOffset.push(fwdTerms.length);
    }
    const df = new U32List(terms.length);
    for (let t = 0; t < this.terms.length; t++) if (termMap[t] >= 0) df.push(this.df.data[t]);
    this.ensureTermHashes();
    const termHash = new U32List(terms.length);
    for (let t = 0; t < this.terms.length; t++) if (termMap[t] >= 0) termHash.push(this.termHash.data[t]);
    this.termHash = termHash;
    this.pairOffset = pairOffset;
    this.pairEntries = pairEntries;
    this.sortedPairDocs = keys.length;
    for (const [word, entry] of this.wordTerm) {
      if (entry < 0) continue;
      const term = termMap[entry >> CLASS_SHIFT];
      if (term < 0) this.wordTerm.delete(word);
      else this.wordTerm.set(word, (term << CLASS_SHIFT) | (entry & CLASS_BITS));
    }
    this.terms = terms;
    this.termIdMap = new Map(terms.map((stem, t) => [stem, t]));
    this.df = df;
    this.keys = keys;
    this.docIdMap = new Map(keys.map((key, id) => [key, id]));
    this.alive = U8List.from(new Uint8Array(keys.length).fill(1));
    this.fieldLen = fieldLen;
    this.docHash = docHash;
    this.fwdOffset = fwdOffset;
    this.fwdTerms = fwdTerms;
    this.fwdCounts = fwdCounts;
    this.termSlot = new Int32Array(Math.max(terms.length, 1024)).fill(-1);
    this.sortedWords = null;
    this.displayWords = null;
    // Terms were renumbered and words dropped: the word index is rebuilt over the new list.
    this.vocabulary = null;
  }

  /** Derives the postings of every document from the forward entries (one counting-sort pass). */
  private transpose(): void {
    const termCount = this.terms.length;
    const docCount = this.keys.length;
    const offsets = new Uint32Array(termCount + 1);
    const entries = this.fwdTerms.length;
    const fwdTerms = this.fwdTerms.data;
    for (let i = 0; i < entries; i++) offsets[fwdTerms[i] + 1]++;
    for (let t = 0; t < termCount; t++) offsets[t + 1] += offsets[t];
    const cursor = offsets.slice(0, termCount);
    const docs = new Uint32Array(entries);
    const counts = new Uint8Array(FIELD_COUNT * entries);
    const fwdCounts = this.fwdCounts.data;
    const fwdOffset = this.fwdOffset.data;
    for (let doc = 0; doc < docCount; doc++) {
      for (let i = fwdOffset[doc]; i < fwdOffset[doc + 1]; i++) {
        const at = cursor[fwdTerms[i]]++;
        docs[at] = doc;
        const from = FIELD_COUNT * i;
        const to = FIELD_COUNT * at;
        counts[to] = fwdCounts[from];
        counts[to + 1] = fwdCounts[from + 1];
        counts[to + 2] = fwdCounts[from + 2];
        counts[to + 3] = fwdCounts[from + 3];
      }
    }
    for (const list of [
      this.fwdOffset,
      this.fwdTerms,
      this.fwdCounts,
      this.fieldLen,
      this.docHash,
      this.df,
      this.alive,
      this.pairOffset,
      this.pairEntries,
      this.termHash,
    ])
      list.trim();
    this.postOffset = offsets;
    this.postDocs = docs;
    this.postCounts = counts;
    this.baseDocs = docCount;
    this.baseTerms = termCount;
    this.extra.clear();
  }

  /**
   * Derives the forward entries from the postings (the inverse of transpose) when the index was read
   * from bytes; a no-op otherwise. A read index has no dead documents and no side table.
   */
  private ensureForward(): void {
    if (this.hasForward) return;
    const docCount = this.keys.length;
    const entries = this.postDocs.length;
    const offsets = new Uint32Array(docCount + 1);
    for (let i = 0; i < entries; i++) offsets[this.postDocs[i] + 1]++;
    for (let doc = 0; doc < docCount; doc++) offsets[doc + 1] += offsets[doc];
    const cursor = offsets.slice(0, docCount);
    const terms = new Uint32Array(entries);
    const counts = new Uint8Array(FIELD_COUNT * entries);
    // Terms in ascending order, so each document's entries come out sorted by term.
    for (let term = 0; term < this.baseTerms; term++) {
      for (let p = this.postOffset[term]; p < this.postOffset[term + 1]; p++) {
        const at = cursor[this.postDocs[p]]++;
        terms[at] = term;
        for (let f = 0; f < FIELD_COUNT; f++) counts[FIELD_COUNT * at + f] = this.postCounts[FIELD_COUNT * p + f];
      }
    }
    this.fwdOffset = U32List.adopt(offsets);
    this.fwdTerms = U32List.adopt(terms);
    this.fwdCounts = U8List.adopt(counts);
    this.hasForward = true;
  }

  // --- Querying -----------------------------------------------------------------------------------

  /** The dictionary terms a clause stands for; null when its word is a stop word or too short. */
  private resolve(clause: QueryClause, hints: string[]): Expansion[] | null {
    const typed = (): Expansion | undefined => {
      const stem = this.analyzer.stem(clause.word);
      const term = stem === '' ? undefined : this.termIds.get(stem);
      if (term === undefined || this.df.data[term] === 0) return undefined;
      return { term, words: [clause.word], classes: 1 << spellingClass(clause.word, stem), weight: 1 };
    };
    if (!clause.wildcard && clause.editDistance === 0) {
      if (this.analyzer.stem(clause.word) === '') return null;
      const own = typed();
      return own ? [own] : [];
    }
    // The vocabulary visits the matching words in sorted order, as a scan of the sorted list would.
    const vocabulary = this.currentVocabulary();
    const found = new Map<number, Expansion>();
    // In a misspelling clause the word itself (or its stem: "clone~1" finds "cloning") is what was
    // meant, its neighbours are guesses; a wildcard's words are guesses too, beside a word typed in full.
    const own = clause.wildcard ? undefined : typed();
    if (own) found.set(own.term, own);
    const weight = clause.wildcard ? WILDCARD_WEIGHT : FUZZY_WEIGHT;
    // The words visited and their terms first; expansions are made only for the terms kept (an
    // infix wildcard at 100,000 papers visits some 12,000 words to keep 64).
    const visited: string[] = [];
    const visitedTerms: number[] = [];
    const order: number[] = [];
    const slot = this.termMarks();
    const take = (word: string, term: number) => {
      if (this.df.data[term] === 0 || term === own?.term) return;
      visited.push(word);
      visitedTerms.push(term);
      if (slot[term] < 0) {
        slot[term] = order.length;
        order.push(term);
      }
    };
    if (clause.wildcard) vocabulary.matchWildcard(clause.word, take);
    else vocabulary.matchFuzzy(clause.word, clause.editDistance, take);
    const room = own ? MAX_EXPANSIONS - 1 : MAX_EXPANSIONS;
    let kept = order;
    if (order.length > room) {
      // The word asked for first (it is never cut), then the most common of the others, the first
      // visited first among equals.
      const df = this.df.data;
      const counts = new Float64Array(order.length);
      for (let i = 0; i < order.length; i++) counts[i] = df[order[i]];
      counts.sort();
      const least = counts[counts.length - room];
      let equalRoom = room;
      for (const term of order) if (df[term] > least) equalRoom--;
      kept = order.filter((term) => df[term] > least || (df[term] === least && equalRoom-- > 0));
      kept.sort((a, b) => df[b] - df[a]);
      const found = order.length + (own ? 1 : 0);
      hints.push(
        `"${clause.word}${clause.editDistance > 0 ? `~${clause.editDistance}` : ''}" matches ${found} words; searched the ${MAX_EXPANSIONS} most common.`,
      );
    }
    const byTerm = new Map<number, Expansion>();
    const expansions: Expansion[] = own ? [own] : [];
    for (const term of kept) {
      const expansion: Expansion = { term, words: [], classes: 0, weight };
      byTerm.set(term, expansion);
      expansions.push(expansion);
    }
    for (let i = 0; i < visited.length; i++) {
      const expansion = byTerm.get(visitedTerms[i]);
      if (expansion === undefined) continue;
      expansion.words.push(visited[i]);
      expansion.classes |= 1 << (this.wordTerm.get(visited[i])! & CLASS_BITS);
    }
    for (const term of order) slot[term] = -1;
    return expansions;
  }

  /** A mark per term, all -1 between uses (resolve's), grown with the dictionary. */
  private termMarks(): Int32Array {
    if (this.marks.length < this.terms.length) this.marks = new Int32Array(this.terms.length + (this.terms.length >> 3)).fill(-1);
    return this.marks;
  }

  /**
   * The clause whose words scoreExpansions may leave unscored: of the wildcard and fuzzy clauses that
   * add to the score (not prohibited, not in a phrase), the one with the most postings; -1 when none
   * has more than one word.
   */
  private prunableClause(clauses: readonly { clause: QueryClause; expansions: Expansion[] }[]): number {
    let best = -1;
    let bestPostings = 0;
    clauses.forEach(({ clause, expansions }, i) => {
      if (expansions.length < 2 || clause.presence === 'prohibited' || clause.phrase !== undefined) return;
      let postings = 0;
      for (const { term } of expansions) postings += this.df.data[term];
      if (postings > bestPostings) {
        best = i;
        bestPostings = postings;
      }
    });
    return best;
  }

  /**
   * What a misspelling's words are capped at: a misspelling's neighbours are no rarer than the word
   * asked for, so a rare neighbour ("closing" for cloning~1) must not outweigh the word because fewer
   * papers have it.
   */
  private ownIdf(clause: QueryClause, expansions: readonly Expansion[]): number {
    return clause.editDistance > 0 && expansions.length > 0 && expansions[0].weight === 1 ? this.idf(expansions[0].term) : Infinity;
  }

  /**
   * Scores every word of a clause into scratch.clause (a wildcard or fuzzy clause counts its best
   * word once, as one word of the query), listing the papers in scratch.clauseIds; returns how many.
   */
  private scoreClause(clause: QueryClause, expansions: readonly Expansion[], scratch: Scratch): number {
    const ownIdf = this.ownIdf(clause, expansions);
    let clauseCount = 0;
    for (const { term, classes, weight } of expansions) {
      clauseCount = this.scoreWord(term, classes, clause.boost * weight * Math.min(this.idf(term), ownIdf), clause.fields, scratch, clauseCount);
    }
    return clauseCount;
  }

  /**
   * Adds one word of a clause to scratch.clause (the best word of the clause counts); returns the new
   * count of scratch.clauseIds. The postings are read in a loop of its own, not through
   * forEachWeight's callback (fieldWeight gives both the same weights to the bit): this loop is most
   * of a query's time, and a callback per posting cost a third of it.
   */
  private scoreWord(term: number, classes: number, asTyped: number, fields: number, scratch: Scratch, clauseCount: number): number {
    const asStem = STEM_WEIGHT * asTyped;
    const { flags, clause, clauseIds } = scratch;
    let count = clauseCount;
    if (term < this.baseTerms) {
      const average = this.averageLengths();
      const fieldLen = this.fieldLen.data;
      const alive = this.alive.data;
      const docs = this.postDocs;
      const counts = this.postCounts;
      for (let p = this.postOffset[term], end = this.postOffset[term + 1]; p < end; p++) {
        const doc = docs[p];
        if (alive[doc] !== 1) continue;
        const at = FIELD_COUNT * p;
        const weight = fieldWeight(counts, at, fieldLen, FIELD_COUNT * doc, fields, average);
        if (weight === 0) continue;
        const tagsByte = counts[at + TAGS_FIELD];
        const noteByte = counts[at + NOTE_FIELD];
        const score = ((((tagsByte >> 4) | (noteByte & 0xf0)) & classes) !== 0 ? asTyped : asStem) * weight;
        if ((flags[doc] & IN_CLAUSE) === 0) {
          flags[doc] |= IN_CLAUSE;
          clauseIds[count++] = doc;
          clause[doc] = score;
        } else if (score > clause[doc]) {
          clause[doc] = score;
        }
      }
    }
    const extra = this.extra.get(term);
    if (extra) {
      const average = this.averageLengths();
      const fwdCounts = this.fwdCounts.data;
      for (const doc of extra) {
        if (this.alive.data[doc] !== 1) continue;
        const entry = this.entryOf(doc, term);
        if (entry < 0) continue;
        const at = FIELD_COUNT * entry;
        const weight = this.weightAt(doc, fwdCounts, at, fields, average);
        if (weight === 0) continue;
        const score = ((((fwdCounts[at + TAGS_FIELD] >> 4) | (fwdCounts[at + NOTE_FIELD] & 0xf0)) & classes) !== 0 ? asTyped : asStem) * weight;
        if ((flags[doc] & IN_CLAUSE) === 0) {
          flags[doc] |= IN_CLAUSE;
          clauseIds[count++] = doc;
          clause[doc] = score;
        } else if (score > clause[doc]) {
          clause[doc] = score;
        }
      }
    }
    return count;
  }

  /**
   * scoreClause for a clause of many words (a wildcard's or misspelling's), scored last, with the
   * same scores for every paper that can be among the top `limit`, but without scoring the words
   * that cannot change them (MaxScore-style pruning, README "Search"):
   *
   * A word's score in a paper is below its bound, asTyped × (K1 + 1) (BM25's saturation), and the
   * clause counts a paper's best word. The words are scored in decreasing bound (the rarest first).
   * Before the next word, with bound R: let θ be the `limit`-th best total so far among the papers
   * the clause found that can be results (totals only grow, so the final `limit`-th best is at least
   * θ). If R < θ, a paper's final total is t + max(p, later), t its other clauses' (all scored), p
   * its best word so far, later ≤ R; so it is exactly t + p when p ≥ R, and below θ when t + R < θ.
   * The papers left (t + R ≥ θ, p < R, not banned, the other required clauses met: few, or we go
   * on scoring) get the remaining words from their own entries (countsOf), exactly as a full
   * scoring would; every other paper the remaining words find is only marked (MARKED, in
   * scratch.markedIds) and counted by search(), never ranked (its total is below θ), so that the
   * number of matches stays exact. θ is also search()'s floor: a candidate below it is counted
   * without entering the top-k heap. The results, their scores and order are then those of scoring
   * every word (test/unit/search/expansionPruning.test.ts compares the two).
   */
  private scoreExpansions(
    clause: QueryClause,
    expansions: readonly Expansion[],
    scratch: Scratch,
    totalCount: number,
    requiredCount: number,
    limit: number,
  ): number {
    const ownIdf = this.ownIdf(clause, expansions);
    const words = expansions.map(({ term, classes, weight }) => {
      const asTyped = clause.boost * weight * Math.min(this.idf(term), ownIdf);
      return { term, classes, asTyped, bound: asTyped * (K1 + 1) };
    });
    words.sort((a, b) => b.bound - a.bound);
    const { flags, clause: best, clauseIds, total, required, totalIds } = scratch;
    const k = Math.ceil(limit);
    const requiredHere = clause.presence === 'required' ? 1 : 0;
    let remaining = 0;
    for (const { term } of words) remaining += this.df.data[term];
    let clauseCount = 0;
    let sinceCheck = Infinity;
    let stopAt = words.length;
    let rescore: number[] = [];
    let theta = -Infinity;
    for (let i = 0; i < words.length; i++) {
      const { term, classes, asTyped, bound } = words[i];
      if (i > 0 && !this.exhaustiveScoring && k > 0) {
        // θ is worked out from the papers found so far: only once as many postings were read since
        // the last time, and while more than that are left, so that it costs at most the scoring it
        // may save. Between times the last θ holds (totals only grow), and the bounds only fall.
        const checkCost = clauseCount + totalCount;
        const due = sinceCheck >= checkCost && remaining > checkCost;
        if (due && k <= clauseCount) {
          sinceCheck = 0;
          theta = kthLargest(k, clauseCount, (n) => {
            const doc = clauseIds[n];
            return (flags[doc] & BANNED) === 0 && required[doc] + requiredHere === requiredCount ? total[doc] + best[doc] : -Infinity;
          });
          scratch.floor = theta;
        }
        // (A bound of 0, a clause boosted by 0, lifts nothing: its papers' totals are already final, and stay candidates.)
        if (bound > 0 && bound < theta && (totalCount === 0 || due)) {
          // The papers whose total the remaining words may still lift to θ; too many, and scoring goes on.
          const afford = remaining / (8 * (words.length - i));
          const candidates: number[] = [];
          for (let n = 0; n < totalCount && candidates.length <= afford; n++) {
            const doc = totalIds[n];
            if ((flags[doc] & BANNED) !== 0 || required[doc] + requiredHere !== requiredCount) continue;
            const p = (flags[doc] & IN_CLAUSE) !== 0 ? best[doc] : 0;
            if (p < bound && total[doc] + bound >= theta) candidates.push(doc);
          }
          if (candidates.length <= afford) {
            stopAt = i;
            rescore = candidates;
            break;
          }
        }
      }
      clauseCount = this.scoreWord(term, classes, asTyped, clause.fields, scratch, clauseCount);
      const df = this.df.data[term];
      sinceCheck += df;
      remaining -= df;
    }
    if (stopAt === words.length) return clauseCount;
    this.lastDeferred = words.length - stopAt;
    const deferred = words.slice(stopAt);
    const average = this.averageLengths();
    for (const doc of rescore) {
      for (const { term, classes, asTyped } of deferred) {
        const found = this.countsOf(doc, term);
        if (found === null) continue;
        const weight = this.weightAt(doc, found[0], found[1], clause.fields, average);
        if (weight === 0) continue;
        const spellings = (found[0][found[1] + TAGS_FIELD] >> 4) | (found[0][found[1] + NOTE_FIELD] & 0xf0);
        const score = ((spellings & classes) !== 0 ? asTyped : STEM_WEIGHT * asTyped) * weight;
        if ((flags[doc] & IN_CLAUSE) === 0) {
          flags[doc] |= IN_CLAUSE;
          clauseIds[clauseCount++] = doc;
          best[doc] = score;
        } else if (score > best[doc]) {
          best[doc] = score;
        }
      }
    }
    // The most common first: once every live paper is found, the rest cannot add one.
    deferred.sort((a, b) => this.df.data[b.term] - this.df.data[a.term]);
    for (const { term } of deferred) {
      if (clauseCount + scratch.marked >= this.live) break;
      this.markPostings(term, clause.fields, scratch);
    }
    return clauseCount;
  }

  /** A term's BM25F weight in `doc` from its field counts at counts[at ..], as forEachWeight computes it (0 when not in `fields`). */
  private weightAt(doc: number, counts: Uint8Array, at: number, fields: number, average: Float64Array): number {
    return fieldWeight(counts, at, this.fieldLen.data, FIELD_COUNT * doc, fields, average);
  }

  /**
   * Lists in scratch.markedIds the live papers that have `term` in one of `fields` and that the
   * clause has not found or marked yet (see scoreExpansions: counted as matches, never shown). Reads
   * the postings' ids and counts only, without scoring.
   */
  private markPostings(term: number, fields: number, scratch: Scratch): void {
    const { flags, markedIds } = scratch;
    const alive = this.alive.data;
    let count = scratch.marked;
    if (term < this.baseTerms && (fields & 15) === 15) {
      // The common case (every field), by hand: a posting is a match, and only its id is read.
      const docs = this.postDocs;
      for (let p = this.postOffset[term], end = this.postOffset[term + 1]; p < end; p++) {
        const doc = docs[p];
        if ((flags[doc] & (IN_CLAUSE | MARKED)) === 0 && alive[doc] === 1) {
          flags[doc] |= MARKED;
          markedIds[count++] = doc;
        }
      }
    } else if (term < this.baseTerms) {
      const mask = (fields & 1 ? 0xff : 0) | (fields & 2 ? 0xff00 : 0) | (fields & 4 ? 0x0f0000 : 0) | (fields & 8 ? 0x0f000000 : 0);
      const docs = this.postDocs;
      const counts = this.postCounts;
      for (let p = this.postOffset[term], end = this.postOffset[term + 1]; p < end; p++) {
        const doc = docs[p];
        if ((flags[doc] & (IN_CLAUSE | MARKED)) !== 0 || alive[doc] !== 1) continue;
        const at = FIELD_COUNT * p;
        if (((counts[at] | (counts[at + 1] << 8) | (counts[at + 2] << 16) | (counts[at + 3] << 24)) & mask) === 0) continue;
        flags[doc] |= MARKED;
        markedIds[count++] = doc;
      }
    }
    const extra = this.extra.get(term);
    if (extra) {
      for (const doc of extra) {
        if ((flags[doc] & (IN_CLAUSE | MARKED)) !== 0 || alive[doc] !== 1) continue;
        const entry = this.entryOf(doc, term);
        if (entry < 0) continue;
        const at = FIELD_COUNT * entry;
        const counts = this.fwdCounts.data;
        let has = false;
        for (let f = 0; f < FIELD_COUNT; f++) if ((fields & (1 << f)) !== 0 && (counts[at + f] & COUNT_BITS[f]) !== 0) has = true;
        if (!has) continue;
        flags[doc] |= MARKED;
        markedIds[count++] = doc;
      }
    }
    scratch.marked = count;
  }

  /** The word index, built over the sorted words when there is none or too many words came since. */
  private currentVocabulary(): Vocabulary {
    if (!this.vocabulary || this.vocabulary.wantsRebuild) {
      this.sortWords();
      this.vocabulary = Vocabulary.build(this.sortedWords!, this.sortedWordTerms!);
    }
    return this.vocabulary;
  }

  private sortWords(): void {
    if (this.sortedWords) return;
    const words: string[] = [];
    for (const [word, entry] of this.wordTerm) if (entry >= 0) words.push(word);
    words.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.sortedWords = words;
    this.sortedWordTerms = Uint32Array.from(words, (word) => this.wordTerm.get(word)! >> CLASS_SHIFT);
  }

  /** Inverse document frequency (BM25's, never negative). */
  private idf(term: number): number {
    const df = this.df.data[term];
    return Math.log(1 + (this.live - df + 0.5) / (df + 0.5));
  }

  /** Calls `each(doc)` for every live document that has `term` in one of the `fields`. */
  private forEachPosting(term: number, fields: number, each: (doc: number) => void): void {
    this.forEachWeight(term, fields, (doc) => each(doc));
  }

  /**
   * Calls `each(doc, weight, spellings)` for every live document that has `term` in one of the
   * `fields`, with the term's BM25F weight in that document (see FIELD_BOOST; idf not applied) and its
   * spelling mask (see SMALL_MAX_COUNT).
   */
  private forEachWeight(term: number, fields: number, each: (doc: number, weight: number, spellings: number) => void): void {
    const average = this.averageLengths();
    const fieldLen = this.fieldLen.data;
    this.forEachEntry(term, (doc, counts, at) => {
      const weight = fieldWeight(counts, at, fieldLen, FIELD_COUNT * doc, fields, average);
      if (weight !== 0) each(doc, weight, (counts[at + TAGS_FIELD] >> 4) | (counts[at + NOTE_FIELD] & 0xf0));
    });
  }

  /** Calls `visit(doc, counts, at)` for every live document that has `term`: its field counts are counts[at .. at + FIELD_COUNT). */
  private forEachEntry(term: number, visit: (doc: number, counts: Uint8Array, at: number) => void): void {
    if (term < this.baseTerms) {
      const alive = this.alive.data;
      for (let p = this.postOffset[term]; p < this.postOffset[term + 1]; p++) {
        const doc = this.postDocs[p];
        if (alive[doc] === 1) visit(doc, this.postCounts, FIELD_COUNT * p);
      }
    }
    const extra = this.extra.get(term);
    if (extra) {
      for (const doc of extra) {
        if (this.alive.data[doc] !== 1) continue;
        const entry = this.entryOf(doc, term);
        if (entry >= 0) visit(doc, this.fwdCounts.data, FIELD_COUNT * entry);
      }
    }
  }

  private averageLengths(): Float64Array {
    const average = new Float64Array(FIELD_COUNT);
    for (let f = 0; f < FIELD_COUNT; f++) average[f] = this.live > 0 && this.totalLen[f] > 0 ? this.totalLen[f] / this.live : 1;
    return average;
  }

  /** The forward entry of `term` in document `doc`, or -1 (binary search: entries are sorted). */
  private entryOf(doc: number, term: number): number {
    let low = this.fwdOffset.data[doc];
    let high = this.fwdOffset.data[doc + 1];
    const terms = this.fwdTerms.data;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (terms[mid] < term) low = mid + 1;
      else high = mid;
    }
    return low < this.fwdOffset.data[doc + 1] && terms[low] === term ? low : -1;
  }

  /**
   * Where `term`'s field counts in `doc` are: in the forward entries when they are there, else in
   * the term's postings (binary search: a term's documents ascend). Null when `doc` lacks `term`.
   */
  private countsOf(doc: number, term: number): [Uint8Array, number] | null {
    if (this.hasForward) {
      const entry = this.entryOf(doc, term);
      return entry < 0 ? null : [this.fwdCounts.data, FIELD_COUNT * entry];
    }
    let low = this.postOffset[term];
    let high = this.postOffset[term + 1];
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.postDocs[mid] < doc) low = mid + 1;
      else high = mid;
    }
    return low < this.postOffset[term + 1] && this.postDocs[low] === doc ? [this.postCounts, FIELD_COUNT * low] : null;
  }

  /**
   * The query words found in `doc`, with their fields, in query order, each spelt as the paper has it:
   * "imitation" for `imitate` when the paper says "imitation" (its spelling mask tells which forms of
   * the stem it has; `spellings` memoises a term's words for the query).
   */
  private matchesOf(doc: number, clauses: { clause: QueryClause; expansions: Expansion[] }[], spellings: Map<number, string[]>): SearchMatch[] {
    const matches = new Map<string, number>();
    for (const { clause, expansions } of clauses) {
      if (clause.presence === 'prohibited') continue;
      for (const { term, words, classes, weight } of expansions) {
        const found = this.countsOf(doc, term);
        if (found === null) continue;
        const [counts, at] = found;
        let mask = 0;
        for (let f = 0; f < FIELD_COUNT; f++) if ((counts[at + f] & COUNT_BITS[f]) > 0 && (clause.fields & (1 << f)) !== 0) mask |= 1 << f;
        if (mask === 0) continue;
        const has = (counts[at + TAGS_FIELD] >> 4) | (counts[at + NOTE_FIELD] & 0xf0);
        const classOf = (word: string) => 1 << ((this.wordTerm.get(word) ?? 0) & CLASS_BITS);
        let shown: string[];
        if ((has & classes) !== 0 || weight < 1) {
          // A wildcard's or misspelling's words are those it matched: one of them, without looking up the stem's other forms.
          shown = [words.find((candidate) => (classOf(candidate) & has) !== 0) ?? words[0]];
        } else {
          // Only other forms of the stem: each form the paper has (the shortest word of its class), "imitating, imitation".
          const byClass = new Map<number, string>();
          for (const candidate of this.wordsOfTerm(term, spellings)) {
            const cls = classOf(candidate);
            const current = byClass.get(cls);
            if ((cls & has) !== 0 && (current === undefined || candidate.length < current.length)) byClass.set(cls, candidate);
          }
          shown = byClass.size > 0 ? [...byClass.values()].sort() : [this.displayWordList()[term]];
        }
        for (const word of shown) matches.set(word, (matches.get(word) ?? 0) | mask);
      }
    }
    return [...matches].map(([word, mask]) => ({ word, fields: SEARCH_FIELDS.filter((_, f) => (mask & (1 << f)) !== 0) }));
  }

  /**
   * The library's words with stem `term`, sorted: those that start with the stem but its last letter
   * (Porter's stems keep a word's beginning: "happi" for "happy"), found by the word index's prefix search.
   */
  private wordsOfTerm(term: number, memo: Map<number, string[]>): string[] {
    let words = memo.get(term);
    if (words === undefined) {
      const stem = this.terms[term];
      words = [];
      const found = words;
      this.currentVocabulary().matchPrefix(stem.length > 3 ? stem.slice(0, -1) : stem, (word, wordTerm) => {
        if (wordTerm === term) found.push(word);
      });
      memo.set(term, words);
    }
    return words;
  }

  /**
   * Related papers' weights, computed on the first request after the index changed (one pass over
   * the forward entries and one over the pair entries; the whole lengths wait for fullNormOf). A word of count c in a paper (title ×3, tags ×2,
   * abstract and note ×1) weighs (1 + ln c) × √idf, idf = ln(N / df): sublinear, so that a word said
   * ten times is not ten words, and √idf on each side, so that a shared word counts idf once in the
   * cosine (with idf on both sides a name two papers happen to share outweighs their whole topic). A
   * word pair weighs the same way with its own df, counted per hash bucket (PAIR_BUCKET_BITS: two
   * pairs that share a bucket add up, which makes a rare pair a little commoner than it is). A word or
   * pair only one paper has links no two papers and is left out of that paper's length.
   */
  private relatedWeightsOf(): RelatedWeights {
    if (this.relatedWeights) return this.relatedWeights;
    this.ensureForward();
    this.sortPairs();
    const termCount = this.terms.length;
    const rootIdf = new Float64Array(termCount);
    for (let term = 0; term < termCount; term++) {
      const df = this.df.data[term];
      if (df > 0) rootIdf[term] = Math.sqrt(Math.log(this.live / df));
    }
    const docCount = this.keys.length;
    const alive = this.alive.data;
    const { data: pairOffset } = this.pairOffset;
    const { data: pairEntries } = this.pairEntries;
    const pairDf = new Uint32Array(1 << PAIR_BUCKET_BITS);
    for (let doc = 0; doc < docCount; doc++) {
      if (alive[doc] !== 1) continue;
      for (let i = pairOffset[doc]; i < pairOffset[doc + 1]; i++) pairDf[pairEntries[i] >>> PAIR_BUCKET_SHIFT]++;
    }
    // √idf of a pair by its bucket's df (0 for a df under 2), looked up rather than computed per entry.
    const rootIdfOfDf = Float64Array.from({ length: this.live + 1 }, (_, df) => (df < 2 ? 0 : Math.sqrt(Math.log(this.live / df))));
    const norm = new Float64Array(docCount);
    const fullNorm = new Float64Array(docCount).fill(-1);
    const { data: offsets } = this.fwdOffset;
    const { data: terms } = this.fwdTerms;
    const { data: counts } = this.fwdCounts;
    for (let doc = 0; doc < docCount; doc++) {
      if (alive[doc] !== 1) continue;
      let sum = 0;
      for (let i = offsets[doc]; i < offsets[doc + 1]; i++) {
        const term = terms[i];
        if (this.df.data[term] < 2) continue;
        const weight = relatedTf(counts, FIELD_COUNT * i) * rootIdf[term];
        sum += weight * weight;
      }
      norm[doc] = Math.sqrt(sum);
    }
    this.relatedWeights = { rootIdf, norm, fullNorm, pairDf, rootIdfOfDf, spellings: new Map() };
    return this.relatedWeights;
  }

  /**
   * The length of document `doc`'s whole vector, words and pairs, computed when first asked (only
   * the papers Related scores again need it, and a pass over every pair entry would cost the first
   * request some 0.3 s at 100,000 papers).
   */
  private fullNormOf(doc: number): number {
    const weights = this.relatedWeightsOf();
    let length = weights.fullNorm[doc];
    if (length < 0) {
      let sum = weights.norm[doc] ** 2;
      for (let i = this.pairOffset.data[doc]; i < this.pairOffset.data[doc + 1]; i++) sum += this.pairWeight(this.pairEntries.data[i], weights) ** 2;
      length = Math.sqrt(sum);
      weights.fullNorm[doc] = length;
    }
    return length;
  }

  /** A pair entry's weight in its paper's vector (see relatedWeightsOf). */
  private pairWeight(entry: number, weights: RelatedWeights): number {
    return RELATED_TF[entry & PAIR_MAX_COUNT] * weights.rootIdfOfDf[Math.min(weights.pairDf[entry >>> PAIR_BUCKET_SHIFT], this.live)];
  }

  /** The length of the vector of pair entries `pairs`. */
  private pairLength(pairs: Uint32Array): number {
    const weights = this.relatedWeightsOf();
    let sum = 0;
    for (const entry of pairs) sum += this.pairWeight(entry, weights) ** 2;
    return Math.sqrt(sum);
  }

  /** The dot product of the pair entries `pairs` (sorted) with document `doc`'s pair vector; `each` sees every shared pair's part. */
  private pairDot(pairs: Uint32Array, doc: number, each?: (hash: number, part: number) => void): number {
    const weights = this.relatedWeightsOf();
    const { data: entries } = this.pairEntries;
    let i = 0;
    let j = this.pairOffset.data[doc];
    const end = this.pairOffset.data[doc + 1];
    let sum = 0;
    while (i < pairs.length && j < end) {
      const a = pairs[i] >>> PAIR_COUNT_BITS;
      const b = entries[j] >>> PAIR_COUNT_BITS;
      if (a < b) i++;
      else if (a > b) j++;
      else {
        const part = this.pairWeight(pairs[i], weights) * this.pairWeight(entries[j], weights);
        if (part > 0) {
          sum += part;
          each?.(a, part);
        }
        i++;
        j++;
      }
    }
    return sum;
  }

  /**
   * Ranks the live papers (but `exclude`) by the cosine of `query` with their vectors. The words find
   * the papers and rank them by the words' cosine; the best PAIR_RESCORED of those are then scored by
   * the whole cosine, words and pairs (a paper that shares no word of the query shares no pair).
   */
  private relatedTo(query: RelatedQuery, limit: number, exclude: number): SearchHit[] {
    if (query.words.size === 0) return [];
    const { rootIdf, norm } = this.relatedWeightsOf();
    const scratch = this.scratchSpace();
    const { total, flags, totalIds } = scratch;
    let count = 0;
    const add = (doc: number, value: number) => {
      if ((flags[doc] & IN_TOTAL) === 0) {
        flags[doc] |= IN_TOTAL;
        totalIds[count++] = doc;
      }
      total[doc] += value / norm[doc];
    };
    // The candidates are the papers that share one of the less common words; the common words (in
    // more than COMMON_SHARE of the papers, whose postings are most of the cost) then add to those
    // candidates' scores only, looked up in each candidate's own sorted entries. A paper that shares
    // nothing but common words is not a candidate, unless no paper shares anything else.
    const common: { term: number; factor: number }[] = [];
    const commonDf = Math.max(COMMON_MIN, this.live * COMMON_SHARE);
    for (const [term, weight] of query.words) {
      const factor = weight * rootIdf[term];
      if (factor === 0) continue;
      if (this.df.data[term] > commonDf) common.push({ term, factor });
      else this.forEachRelatedCount(term, exclude, norm, (doc, tf) => add(doc, factor * tf));
    }
    if (count === 0) {
      for (const { term, factor } of common) this.forEachRelatedCount(term, exclude, norm, (doc, tf) => add(doc, factor * tf));
    } else if (common.length > 0) {
      common.sort((x, y) => x.term - y.term);
      const { data: offsets } = this.fwdOffset;
      const { data: terms } = this.fwdTerms;
      const { data: counts } = this.fwdCounts;
      for (let i = 0; i < count; i++) {
        const doc = totalIds[i];
        // Both lists ascend by term: one merge.
        let entry = offsets[doc];
        const end = offsets[doc + 1];
        let sum = 0;
        for (const { term, factor } of common) {
          while (entry < end && terms[entry] < term) entry++;
          if (entry === end) break;
          if (terms[entry] === term) sum += factor * relatedTf(counts, FIELD_COUNT * entry);
        }
        total[doc] += sum / norm[doc];
      }
    }
    const byWords = topK(scratch.totalIds, count, scratch.total, Math.max(limit, PAIR_RESCORED), this.keyOrder);
    // total[doc] is the words' cosine: back to their dot product, plus the pairs', over both whole lengths.
    const rescored = new Float64Array(byWords.length);
    byWords.forEach((doc, i) => {
      const words = total[doc] * query.wordNorm * norm[doc];
      const length = this.fullNormOf(doc);
      rescored[i] = query.norm > 0 && length > 0 ? (words + this.pairDot(query.pairs, doc)) / (query.norm * length) : 0;
    });
    for (let i = 0; i < count; i++) {
      const doc = scratch.totalIds[i];
      scratch.total[doc] = 0;
      scratch.flags[doc] = 0;
    }
    const best = topK(Int32Array.from(byWords.keys()), byWords.length, rescored, limit, (a, b) => this.keys[byWords[a]] < this.keys[byWords[b]]);
    // The library's words per stem, kept with the weights: the index cannot change under them.
    const { spellings } = this.relatedWeightsOf();
    return best.map((i) => ({ key: this.keys[byWords[i]], score: rescored[i], matches: this.relatedReasons(byWords[i], query, spellings) }));
  }

  /** Calls `each(doc, tf)` for every live paper but `exclude` with a word vector that has `term`, with its relatedTf. */
  private forEachRelatedCount(term: number, exclude: number, norm: Float64Array, each: (doc: number, tf: number) => void): void {
    if (term < this.baseTerms) {
      // Related's cost is this loop, so it reads the postings itself.
      const { postDocs, postCounts } = this;
      const alive = this.alive.data;
      for (let p = this.postOffset[term]; p < this.postOffset[term + 1]; p++) {
        const doc = postDocs[p];
        if (alive[doc] === 1 && doc !== exclude && norm[doc] > 0) each(doc, relatedTf(postCounts, FIELD_COUNT * p));
      }
    }
    const extra = this.extra.get(term);
    if (extra) {
      for (const doc of extra) {
        if (this.alive.data[doc] !== 1 || doc === exclude || norm[doc] === 0) continue;
        const entry = this.entryOf(doc, term);
        if (entry >= 0) each(doc, relatedTf(this.fwdCounts.data, FIELD_COUNT * entry));
      }
    }
  }

  /**
   * The pairs and words `doc` shares with the query that add most to its score, most first, with the
   * fields they are in, spelt as the paper has them: a pair as its two words ("behavior cloning"), and
   * a word that a pair shown before holds is not shown again.
   */
  private relatedReasons(doc: number, query: RelatedQuery, spellings: Map<number, string[]>): SearchMatch[] {
    const { rootIdf } = this.relatedWeightsOf();
    const shared: { terms: number[]; weight: number }[] = [];
    for (const [term, weight] of query.words) {
      const found = this.countsOf(doc, term);
      if (found !== null) shared.push({ terms: [term], weight: weight * query.wordNorm * rootIdf[term] * relatedTf(found[0], found[1]) });
    }
    // A shared pair's hash names two of the shared words: found by hashing the shared words two by
    // two, for the heaviest pairs only (three times as many as are shown, since pairs of research
    // prose are left out below and a pair of words shown already is not shown again).
    const parts: { hash: number; part: number }[] = [];
    this.pairDot(query.pairs, doc, (hash, part) => parts.push({ hash, part }));
    const pairParts = new Map(
      parts
        .sort((x, y) => y.part - x.part || x.hash - y.hash)
        .slice(0, 3 * RELATED_REASONS)
        .map(({ hash, part }) => [hash, part]),
    );
    if (pairParts.size > 0) {
      this.ensureTermHashes();
      const words = shared.map(({ terms }) => terms[0]);
      const hashes = Uint32Array.from(words, (term) => this.termHash.data[term]);
      for (let i = 0; i < words.length && pairParts.size > 0; i++) {
        for (let j = 0; j < words.length; j++) {
          if (i === j) continue;
          const hash = pairHash(hashes[i], hashes[j]);
          const part = pairParts.get(hash);
          if (part !== undefined) {
            shared.push({ terms: [words[i], words[j]], weight: part });
            pairParts.delete(hash);
          }
        }
      }
    }
    shared.sort((x, y) => y.weight - x.weight || x.terms.length - y.terms.length || x.terms[0] - y.terms[0] || (x.terms[1] ?? 0) - (y.terms[1] ?? 0));
    // Words of research prose ("novel", "paving the way", "first propose") count in the score but say
    // nothing of a topic: they are shown only when the papers share nothing else.
    const topical = shared.filter(({ terms }) =>
      terms.length === 1 ? !isGenericStem(this.terms[terms[0]]) : !terms.some((term) => isGenericInPair(this.terms[term])),
    );
    // A pair takes the place of a word of it shown before ("autonomous driving" for "driving").
    const chosen: number[][] = [];
    for (const { terms } of topical.length > 0 ? topical : shared) {
      if (chosen.length === RELATED_REASONS) break;
      if (terms.every((term) => chosen.some((other) => other.includes(term)))) continue;
      const words = terms.length === 2 ? chosen.findIndex((other) => other.length === 1 && terms.includes(other[0])) : -1;
      if (words < 0) {
        chosen.push(terms);
        continue;
      }
      chosen[words] = terms;
      for (let i = chosen.length - 1; i > words; i--) if (chosen[i].length === 1 && terms.includes(chosen[i][0])) chosen.splice(i, 1);
    }
    return chosen.map((terms) => ({
      word: terms.map((term) => this.spelt(doc, term, spellings)).join(' '),
      fields: terms.map((term) => this.fieldsOf(doc, term)).reduce((a, b) => a.filter((field) => b.includes(field))),
    }));
  }

  /**
   * Term `term` as paper `doc` spells it: of the spelling classes the paper has, the first in
   * REASON_CLASSES ("imitation" and "learning" before "imitated" and "learned"), and in it the shortest
   * of the library's words of the stem. The mask records classes, not words, so a paper with
   * "mechanisms" may read "mechanics" when the library has both.
   */
  private spelt(doc: number, term: number, spellings: Map<number, string[]>): string {
    const found = this.countsOf(doc, term);
    const fallback = this.displayWordList()[term];
    if (found === null) return fallback;
    const [counts, at] = found;
    const has = (counts[at + TAGS_FIELD] >> 4) | (counts[at + NOTE_FIELD] & 0xf0);
    const rank = (word: string) => REASON_CLASSES.indexOf((this.wordTerm.get(word) ?? 0) & CLASS_BITS);
    let best: string | undefined;
    for (const word of this.wordsOfTerm(term, spellings)) {
      if (((1 << ((this.wordTerm.get(word) ?? 0) & CLASS_BITS)) & has) === 0) continue;
      if (best === undefined) best = word;
      else {
        const order = rank(word) - rank(best) || word.length - best.length;
        if (order < 0 || (order === 0 && word < best)) best = word;
      }
    }
    return best ?? fallback;
  }

  private fieldsOf(doc: number, term: number): SearchField[] {
    const entry = this.entryOf(doc, term);
    return SEARCH_FIELDS.filter((_, f) => entry >= 0 && (this.fwdCounts.data[FIELD_COUNT * entry + f] & COUNT_BITS[f]) > 0);
  }

  /** A readable word per term: the shortest word of the library with that stem ("imitation" rather than "imit"). */
  private displayWordList(): string[] {
    if (this.displayWords) return this.displayWords;
    const words = this.terms.slice();
    const set = new Uint8Array(this.terms.length);
    for (const [word, entry] of this.wordTerm) {
      if (entry < 0) continue;
      const term = entry >> CLASS_SHIFT;
      const current = words[term];
      if (set[term] === 0 || word.length < current.length || (word.length === current.length && word < current)) {
        words[term] = word;
        set[term] = 1;
      }
    }
    this.displayWords = words;
    return words;
  }

  private scratchSpace(): Scratch {
    const size = this.keys.length;
    if (!this.scratch || this.scratch.total.length < size) {
      const capacity = Math.max(size, 16) + (size >> 3);
      this.scratch = {
        total: new Float64Array(capacity),
        clause: new Float64Array(capacity),
        flags: new Uint8Array(capacity),
        required: new Uint8Array(capacity),
        totalIds: new Int32Array(capacity),
        clauseIds: new Int32Array(capacity),
        markedIds: new Int32Array(capacity),
        marked: 0,
        floor: -Infinity,
      };
    }
    return this.scratch;
  }
}

/**
 * The k-th largest of value(0) .. value(count - 1) (a value of -Infinity does not count), or
 * -Infinity when fewer than k count.
 */
function kthLargest(k: number, count: number, value: (n: number) => number): number {
  const heap = new Float64Array(k);
  let size = 0;
  for (let n = 0; n < count; n++) {
    const v = value(n);
    if (v === -Infinity) continue;
    if (size < k) {
      let i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (heap[parent] <= v) break;
        heap[i] = heap[parent];
        i = parent;
      }
      heap[i] = v;
    } else if (v > heap[0]) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= k) break;
        const child = left + 1 < k && heap[left + 1] < heap[left] ? left + 1 : left;
        if (heap[child] >= v) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = v;
    }
  }
  return size < k ? -Infinity : heap[0];
}

/** A cached index that cannot be read (another format version, a truncated file). */
export class SearchIndexFormatError extends Error {
  constructor(readonly reason: string) {
    super(`The search index cache cannot be read: ${reason}.`);
    this.name = 'SearchIndexFormatError';
  }
}

const FORMAT_NAME = 'marginalia-search-index';
/** Bump when the layout, the analyzer or the scoring changes: old caches are then rebuilt. */
const FORMAT_VERSION = 6;

/** The text of each field of `document` as the index reads it (SEARCH_FIELDS order): the note without its front matter and quoted abstract. */
function documentFields(document: SearchDocument): string[] {
  // Tags apart, so that two tags make no word pair.
  return [document.title, document.abstract, document.tags.join(', '), noteBodyForIndex(document.note, document.title, document.abstract)];
}

/** Two 32-bit hashes of a document's key and fields (FNV-1a and a multiply-rotate hash, side by side). */
export function hashDocument(document: SearchDocument): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  const feed = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    // A separator no text contains, so that moving text between fields changes the hash.
    a = Math.imul(a ^ 0xffff, 0x01000193);
    b = Math.imul(b ^ 0xffff, 0x5bd1e995);
  };
  feed(document.key);
  feed(document.title);
  feed(document.abstract);
  for (const tag of document.tags) feed(tag);
  feed('\u0000tags');
  feed(document.note);
  return [a >>> 0, b >>> 0];
}

function pad4(length: number): number {
  return (length + 3) & ~3;
}

function bytesOf(array: Uint32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** A Uint32Array view of `bytes`, copied only when they do not start on a 4-byte boundary. */
function u32Of(bytes: Uint8Array): Uint32Array {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
}

/** A word's weighted count in a paper for Related (RELATED_FIELD_BOOST), made sublinear: 1 + ln c. */
function relatedTf(counts: Uint8Array, at: number): number {
  let count = 0;
  for (let f = 0; f < FIELD_COUNT; f++) count += RELATED_FIELD_BOOST[f] * (counts[at + f] & COUNT_BITS[f]);
  return RELATED_TF[count];
}

/** 1 + ln c for every weighted count c a paper can hold (counts stop at MAX_COUNT per field), 0 for 0. */
const RELATED_TF = Float64Array.from({ length: MAX_COUNT * RELATED_FIELD_BOOST.reduce((sum, boost) => sum + boost, 0) + 1 }, (_, c) =>
  c === 0 ? 0 : 1 + Math.log(c),
);

/** A 32-bit hash of a stem (FNV-1a), for word pairs: it depends on the stem alone, not on term ids. */
function stemHash(stem: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < stem.length; i++) hash = Math.imul(hash ^ stem.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** The hash of the pair "a b" (in that order) of two stems' hashes, PAIR_HASH_BITS (32 - PAIR_COUNT_BITS) bits. */
function pairHash(a: number, b: number): number {
  let hash = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  hash = Math.imul(hash ^ (hash >>> 16), 0x7feb352d);
  hash = Math.imul(hash ^ (hash >>> 15), 0x846ca68b);
  return (hash ^ (hash >>> 16)) >>> PAIR_COUNT_BITS;
}

/** A pair entry: the pair's hash and a count. */
function pairEntry(a: number, b: number, count: number): number {
  return ((pairHash(a, b) << PAIR_COUNT_BITS) | count) >>> 0;
}

/** A document's pair entries from `sorted` (ascending, several per pair possibly): one per pair, counts summed and capped. */
function sumPairs(sorted: Uint32Array): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < sorted.length;) {
    const hash = sorted[i] >>> PAIR_COUNT_BITS;
    let weight = 0;
    for (; i < sorted.length && sorted[i] >>> PAIR_COUNT_BITS === hash; i++) weight += sorted[i] & PAIR_MAX_COUNT;
    out.push(((hash << PAIR_COUNT_BITS) | Math.min(weight, PAIR_MAX_COUNT)) >>> 0);
  }
  return Uint32Array.from(out);
}
