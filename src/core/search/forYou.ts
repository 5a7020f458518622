/**
 * "For You": the papers most like those the reader gave a tag, as arxiv-sanity-lite recommends. A
 * linear SVM (squared hinge loss, L2 regularised, classes weighted to balance, as scikit-learn's
 * LinearSVC that arxiv-sanity uses) is trained per request over TF-IDF vectors of every paper's title
 * and abstract: the tag's papers are the positives, every other paper a negative (papers the reader
 * marked not interested among them). It ranks the papers that are neither; each result names the
 * words that weigh most for it.
 *
 * The vectors: sublinear term frequency (1 + ln tf) of title and abstract words together, times a
 * smoothed idf (ln((1 + n) / (1 + df)) + 1), scaled to unit length. Tags and notes are left out: a
 * tag would give the answer away, and which papers have notes says little about their topic. The
 * solver is LIBLINEAR's dual coordinate descent (Hsieh et al., ICML 2008), a few passes in a fixed
 * pseudo-random order, so that equal libraries give equal rankings.
 */
import { topK } from './buffers';
import type { DocumentTerms } from './searchIndex';
import { seededRandom } from '../seededRandom';

/** What to recommend for. */
export interface ForYouRequest {
  /** The keys of the papers with the tag (keys the index does not hold are ignored). */
  positives: readonly string[];
  /** Papers the reader marked not interested: negatives, and never recommended. */
  notInterested: readonly string[];
  limit: number;
}

export interface ForYouHit {
  key: string;
  /** The classifier's margin: above 0 reads as "like the tag's papers"; comparable within one request only. */
  score: number;
  /** The words that add most to the score, heaviest first. */
  words: string[];
}

export interface ForYouResult {
  hits: ForYouHit[];
  /** How many of the positives the index holds. */
  positives: number;
  /** How many papers were ranked (neither positive nor not interested). */
  candidates: number;
  /** Passes the solver made over the library. */
  passes: number;
}

/** arxiv-sanity-lite's regularisation (LinearSVC's C). */
const C = 0.01;
/** The solver stops when the projected gradient's spread falls below this (LIBLINEAR's default), or after MAX_PASSES. */
const EPSILON = 0.1;
const MAX_PASSES = 10;
const WORDS_PER_HIT = 4;
const FIELD_COUNT = 4;
/**
 * The classifier learns from every positive and at most this many negatives (a fixed pseudo-random
 * sample of them, papers marked not interested always among them), so that training costs the same
 * at 100,000 papers as at 20,000; every paper is still ranked.
 */
const MAX_TRAINING_NEGATIVES = 20_000;

/**
 * The library's TF-IDF vectors, built once from the index's document terms and reused by every
 * request until the index changes.
 */
export class ForYouFeatures {
  private ids: Map<string, number> | undefined;

  private constructor(
    private readonly keys: readonly string[],
    private readonly alive: Uint8Array,
    /** Row d is features[offsets[d] .. offsets[d + 1]) with values alongside; empty for dead documents. */
    private readonly offsets: Uint32Array,
    private readonly features: Uint32Array,
    private readonly values: Float32Array,
    private readonly termCount: number,
    private readonly words: readonly string[],
  ) {}

  static from(terms: DocumentTerms): ForYouFeatures {
    const docs = terms.keys.length;
    const df = new Uint32Array(terms.termCount);
    let live = 0;
    let entries = 0;
    for (let doc = 0; doc < docs; doc++) {
      if (terms.alive[doc] !== 1) continue;
      live++;
      for (let i = terms.offsets[doc]; i < terms.offsets[doc + 1]; i++) {
        if (featureCount(terms.counts, i) > 0) {
          df[terms.terms[i]]++;
          entries++;
        }
      }
    }
    const idf = new Float64Array(terms.termCount);
    for (let t = 0; t < terms.termCount; t++) if (df[t] > 0) idf[t] = Math.log((1 + live) / (1 + df[t])) + 1;
    const offsets = new Uint32Array(docs + 1);
    const features = new Uint32Array(entries);
    const values = new Float32Array(entries);
    let at = 0;
    for (let doc = 0; doc < docs; doc++) {
      const start = at;
      if (terms.alive[doc] === 1) {
        let norm = 0;
        for (let i = terms.offsets[doc]; i < terms.offsets[doc + 1]; i++) {
          const count = featureCount(terms.counts, i);
          if (count === 0) continue;
          const term = terms.terms[i];
          const value = SUBLINEAR_TF[count] * idf[term];
          features[at] = term;
          values[at] = value;
          norm += value * value;
          at++;
        }
        const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (let i = start; i < at; i++) values[i] *= scale;
      }
      offsets[doc + 1] = at;
    }
    return new ForYouFeatures(terms.keys, terms.alive, offsets, features, values, terms.termCount, terms.words);
  }

  /** Trains the tag's classifier and ranks the other papers; no hits when the tag has no paper in the index or nothing is left to rank. */
  rank(request: ForYouRequest): ForYouResult {
    const docs = this.keys.length;
    const ids = this.liveIds();
    // 1 positive, 2 not interested (a key in both lists counts as positive: the tag is the reader's latest word).
    const label = new Uint8Array(docs);
    let positives = 0;
    for (const key of request.notInterested) {
      const doc = ids.get(key);
      if (doc !== undefined) label[doc] = 2;
    }
    for (const key of request.positives) {
      const doc = ids.get(key);
      if (doc !== undefined && label[doc] !== 1) {
        label[doc] = 1;
        positives++;
      }
    }
    const live = ids.size;
    const negatives = live - positives;
    let candidates = 0;
    for (const doc of ids.values()) if (label[doc] === 0) candidates++;
    if (positives === 0 || negatives === 0 || candidates === 0 || request.limit <= 0) return { hits: [], positives, candidates, passes: 0 };

    const { weights, bias, passes } = this.train(ids, label, positives, negatives);
    const score = new Float64Array(docs);
    const candidateIds = new Int32Array(candidates);
    let count = 0;
    for (const doc of ids.values()) {
      if (label[doc] !== 0) continue;
      let sum = bias;
      for (let i = this.offsets[doc]; i < this.offsets[doc + 1]; i++) sum += weights[this.features[i]] * this.values[i];
      score[doc] = sum;
      candidateIds[count++] = doc;
    }
    const best = topK(candidateIds, count, score, request.limit, (a, b) => this.keys[a] < this.keys[b]);
    return { hits: best.map((doc) => ({ key: this.keys[doc], score: score[doc], words: this.heaviestWords(doc, weights) })), positives, candidates, passes };
  }

  /**
   * The dual coordinate descent of LIBLINEAR for the L2-loss SVM with a bias feature (1 for every
   * document, regularised like the rest, as LinearSVC does). Positives weigh n/(2 positives) and
   * negatives n/(2 negatives), scikit-learn's "balanced" class weights.
   */
  private train(ids: Map<string, number>, label: Uint8Array, positives: number, negatives: number): { weights: Float64Array; bias: number; passes: number } {
    const weights = new Float64Array(this.termCount);
    let bias = 0;
    const order = this.trainingSet(ids, label, negatives);
    const n = order.length;
    const sampled = n - positives;
    const alpha = new Float64Array(n);
    const diagonal = new Float64Array(n);
    const sign = new Int8Array(n);
    for (let j = 0; j < n; j++) {
      const positive = label[order[j]] === 1;
      sign[j] = positive ? 1 : -1;
      const cost = C * (positive ? n / (2 * positives) : n / (2 * sampled));
      diagonal[j] = 1 / (2 * cost);
    }
    const index = Int32Array.from({ length: n }, (_, j) => j);
    const random = seededRandom(0x5eed);
    // Shrinking, as LIBLINEAR does: a paper at its bound whose gradient says it stays there (most of
    // the negatives after a pass or two) leaves the active set until the solver has converged on the rest.
    let active = n;
    let maxOld = Infinity;
    const { offsets, features, values } = this;
    let passes = 0;
    while (passes < MAX_PASSES) {
      passes++;
      for (let j = active - 1; j > 0; j--) {
        const k = Math.floor(random() * (j + 1));
        const swap = index[j];
        index[j] = index[k];
        index[k] = swap;
      }
      let maxGradient = -Infinity;
      let minGradient = Infinity;
      for (let step = 0; step < active; step++) {
        const j = index[step];
        const doc = order[j];
        const start = offsets[doc];
        const end = offsets[doc + 1];
        let dot = bias;
        for (let i = start; i < end; i++) dot += weights[features[i]] * values[i];
        const gradient = sign[j] * dot - 1 + diagonal[j] * alpha[j];
        let projected = gradient;
        if (alpha[j] === 0) {
          if (gradient > maxOld) {
            active--;
            index[step] = index[active];
            index[active] = j;
            step--;
            continue;
          }
          projected = Math.min(gradient, 0);
        }
        if (projected > maxGradient) maxGradient = projected;
        if (projected < minGradient) minGradient = projected;
        if (Math.abs(projected) < 1e-12) continue;
        // ||x||² is 1 for a unit vector with any feature, 0 for an empty one; the bias feature adds 1.
        const squaredNorm = (end > start ? 1 : 0) + 1 + diagonal[j];
        const previous = alpha[j];
        alpha[j] = Math.max(previous - gradient / squaredNorm, 0);
        const delta = (alpha[j] - previous) * sign[j];
        if (delta === 0) continue;
        for (let i = start; i < end; i++) weights[features[i]] += delta * values[i];
        bias += delta;
      }
      if (maxGradient - minGradient <= EPSILON) {
        if (active === n) break;
        // Converged on the active set: one more pass over everything checks the papers set aside.
        active = n;
        maxOld = Infinity;
        continue;
      }
      maxOld = maxGradient <= 0 ? Infinity : maxGradient;
    }
    return { weights, bias, passes };
  }

  /** Live documents by key, built on the first request. */
  private liveIds(): Map<string, number> {
    if (!this.ids) {
      this.ids = new Map();
      for (let doc = 0; doc < this.keys.length; doc++) if (this.alive[doc] === 1) this.ids.set(this.keys[doc], doc);
    }
    return this.ids;
  }

  /** The documents to train on, ascending: every positive and not-interested paper, and the other negatives or a sample of them. */
  private trainingSet(ids: Map<string, number>, label: Uint8Array, negatives: number): Int32Array {
    const all = Int32Array.from(ids.values()).sort();
    if (negatives <= MAX_TRAINING_NEGATIVES) return all;
    const random = seededRandom(0xf00d);
    const forced: number[] = [];
    const others: number[] = [];
    for (const doc of all) (label[doc] === 0 ? others : forced).push(doc);
    const wanted = Math.max(0, MAX_TRAINING_NEGATIVES - (forced.length - (all.length - negatives)));
    // A partial Fisher-Yates shuffle picks `wanted` of the other papers.
    for (let i = 0; i < wanted && i < others.length; i++) {
      const k = i + Math.floor(random() * (others.length - i));
      const swap = others[i];
      others[i] = others[k];
      others[k] = swap;
    }
    return Int32Array.from([...forced, ...others.slice(0, wanted)]).sort();
  }

  /** The words of `doc` that add most to its score (positive contributions only). */
  private heaviestWords(doc: number, weights: Float64Array): string[] {
    const contributions: { term: number; value: number }[] = [];
    for (let i = this.offsets[doc]; i < this.offsets[doc + 1]; i++) {
      const value = weights[this.features[i]] * this.values[i];
      if (value > 0) contributions.push({ term: this.features[i], value });
    }
    contributions.sort((a, b) => b.value - a.value || a.term - b.term);
    return contributions.slice(0, WORDS_PER_HIT).map(({ term }) => this.words[term]);
  }
}

/** 1 + ln(count) for every count an entry can have (two fields of at most 255 each), looked up rather than computed per entry. */
const SUBLINEAR_TF = Float64Array.from({ length: 511 }, (_, count) => (count === 0 ? 0 : 1 + Math.log(count)));

/** The entry's count in the title and the abstract (fields 0 and 1 of four). */
function featureCount(counts: Uint8Array, entry: number): number {
  return counts[FIELD_COUNT * entry] + counts[FIELD_COUNT * entry + 1];
}
