/**
 * The search box's language is lunr's (fields `title:x`, wildcards `imit*`, edit distance `cloning~1`,
 * presence `+x -y`, boosts `x^2`), and phrases in double quotes (`"behavior cloning"`, which may
 * carry `+`, `-` or a field before the opening quote and `^n` after the closing one): the phrases are
 * taken out first, and the text between them is parsed with lunr's own QueryLexer and QueryParser and
 * turned into clauses that the index of this folder executes. Any text gives clauses or a hint,
 * never an exception: text lunr cannot parse is searched as plain words, with a hint that says so.
 */
import lunr from 'lunr';
import { splitWords } from './analyzer';

/** The indexed fields, in the order of their bits in a field mask. */
export const SEARCH_FIELDS = ['title', 'abstract', 'tags', 'note'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];
/** A field mask with every field. */
export const ALL_FIELDS = (1 << SEARCH_FIELDS.length) - 1;

/** Field names a query may use: the fields, and the obvious plurals and singulars. */
const FIELD_NAMES: Record<string, SearchField> = { title: 'title', abstract: 'abstract', tags: 'tags', tag: 'tags', note: 'note', notes: 'note' };

/** Longer queries are cut here: a pasted page is not a query. */
export const MAX_QUERY_CHARS = 1000;
/** At most this many clauses are searched. */
export const MAX_CLAUSES = 32;
/** Edit distances are capped: `~3` matches most short words. */
export const MAX_EDIT_DISTANCE = 2;
/** Boosts are capped, so that one clause cannot drown the others in a float overflow. */
const MAX_BOOST = 100;

export type Presence = 'optional' | 'required' | 'prohibited';

/** One word of a query, with what lunr's syntax said about it. */
export interface QueryClause {
  /** The word as typed, lower-cased; for a wildcard clause, the pattern with its `*`. */
  word: string;
  /** A mask of SEARCH_FIELDS bits: where the word must be. */
  fields: number;
  presence: Presence;
  /** A multiplier of the clause's score (lunr's `^n`), 0 to 100. */
  boost: number;
  wildcard: boolean;
  /** 0 for an exact word, else the Levenshtein distance allowed (lunr's `~n`), at most 2. */
  editDistance: number;
  /**
   * For a word of a quoted phrase, the phrase's number in ParsedQuery.phrases (the clause's fields,
   * presence and boost are the phrase's); undefined for a word of its own.
   */
  phrase?: number;
}

/** A quoted phrase: its words must stand side by side, in this order, in one field. */
export interface QueryPhrase {
  /** The words as typed, lower-cased, stop words included (the index leaves those out on both sides). */
  words: string[];
  fields: number;
  presence: Presence;
  boost: number;
}

/** A parsed query: its clauses, and sentences for the user about what was done with the text. */
export interface ParsedQuery {
  clauses: QueryClause[];
  phrases: QueryPhrase[];
  hints: string[];
}

/** The parts of lunr's query API that @types/lunr leaves out (they are public in lunr 2.3). */
interface LunrQueryApi {
  Query: new (allFields: string[]) => { clauses: LunrClause[] };
  QueryParser: new (text: string, query: { clauses: LunrClause[] }) => { parse(): unknown };
  QueryParseError: new (...args: never[]) => Error;
}

interface LunrClause {
  term: string;
  fields: string[];
  presence?: number;
  boost?: number;
  editDistance?: number;
  usePipeline?: boolean;
}

const api = lunr as unknown as LunrQueryApi;

/**
 * Parses what the user typed. Never throws: text that is not lunr syntax (`C++: a ~survey`, `title:`,
 * an unknown field) is read as plain words, and `hints` says why; an empty result with no hint means
 * the text had nothing to search for.
 */
export function parseQuery(text: string): ParsedQuery {
  const hints: string[] = [];
  let input = text;
  if (input.length > MAX_QUERY_CHARS) {
    const cut = input.lastIndexOf(' ', MAX_QUERY_CHARS);
    input = input.slice(0, cut > MAX_QUERY_CHARS / 2 ? cut : MAX_QUERY_CHARS);
    hints.push(`Only the first ${MAX_QUERY_CHARS} characters were searched.`);
  }
  if (input.trim() === '') return { clauses: [], phrases: [], hints };

  const clauses: QueryClause[] = [];
  const phrases: QueryPhrase[] = [];
  let last = 0;
  PHRASE.lastIndex = 0;
  for (let match = PHRASE.exec(input); match !== null; match = PHRASE.exec(input)) {
    parseWords(input.slice(last, match.index), clauses, hints);
    last = match.index + match[0].length;
    const [, sign, field, text, boostText] = match;
    const words = splitWords(text);
    if (words.length === 0) continue;
    let fields = ALL_FIELDS;
    if (field !== undefined) {
      const name = FIELD_NAMES[field.toLowerCase()];
      if (name) fields = 1 << SEARCH_FIELDS.indexOf(name);
      else addOnce(hints, `"${field.slice(0, 40)}" is not a field (use title:, abstract:, tags: or note:); searched the phrase everywhere.`);
    }
    const presence: Presence = sign === '-' ? 'prohibited' : sign === '+' ? 'required' : 'optional';
    const boost = boostText === undefined ? 1 : Math.min(Number(boostText), MAX_BOOST);
    const phrase = phrases.length;
    phrases.push({ words, fields, presence, boost });
    for (const word of words) clauses.push({ word, fields, presence, boost, wildcard: false, editDistance: 0, phrase });
  }
  parseWords(input.slice(last), clauses, hints);
  if (clauses.length > MAX_CLAUSES) {
    clauses.length = MAX_CLAUSES;
    hints.push(`Only the first ${MAX_CLAUSES} words were searched.`);
    // A phrase cut short is the words it kept (none: it is not searched).
    phrases.forEach((phrase, i) => {
      phrase.words = clauses.filter((clause) => clause.phrase === i).map((clause) => clause.word);
    });
  }
  return { clauses, phrases, hints };
}

/**
 * A phrase: an optional + or -, an optional field and colon, words in double quotes, an optional ^n.
 * A quote without its partner is no phrase: lunr reads it as part of a word, which splitWords drops.
 */
const PHRASE = /(?<![^\s(])([+-])?(?:([\p{L}]+):)?"([^"]*)"(?:\^(\d+(?:\.\d+)?))?/gu;

/** Appends the clauses of `input` (lunr syntax, no phrases). */
function parseWords(input: string, clauses: QueryClause[], hints: string[]): void {
  if (input.trim() === '') return;
  let parsed: LunrClause[];
  try {
    const query = new api.Query(Object.keys(FIELD_NAMES));
    new api.QueryParser(input, query).parse();
    parsed = query.clauses;
  } catch (error) {
    addOnce(hints, `${explain(error)}; searched for the words instead.`);
    parsed = splitWords(input).map((word) => ({ term: word, fields: [] }));
  }
  for (const clause of parsed) {
    const fields = fieldMask(clause.fields);
    const presence: Presence = clause.presence === 3 ? 'prohibited' : clause.presence === 2 ? 'required' : 'optional';
    const boost = Number.isFinite(clause.boost) ? Math.min(Math.max(clause.boost ?? 1, 0), MAX_BOOST) : 1;
    let editDistance = Number.isFinite(clause.editDistance) ? Math.max(clause.editDistance ?? 0, 0) : 0;
    if (editDistance > MAX_EDIT_DISTANCE) {
      editDistance = MAX_EDIT_DISTANCE;
      addOnce(hints, `Edit distances above ${MAX_EDIT_DISTANCE} match almost any short word; used ~${MAX_EDIT_DISTANCE}.`);
    }
    const term = String(clause.term ?? '').toLowerCase();
    if (term.includes('*')) {
      const pattern = term.replace(/[^\p{L}\p{N}*]/gu, '').replace(/\*+/g, '*');
      if (!/[\p{L}\p{N}]/u.test(pattern)) {
        addOnce(hints, 'A wildcard needs at least one letter besides * (imit*).');
        continue;
      }
      clauses.push({ word: pattern, fields, presence, boost, wildcard: true, editDistance: 0 });
      continue;
    }
    // lunr keeps punctuation inside a term ("u.s.", "gpt-4o" split already on the hyphen): its words count.
    for (const word of splitWords(term)) clauses.push({ word, fields, presence, boost, wildcard: false, editDistance });
  }
}

/** True when `text` holds a phrase of two or more words, which a search checks against the papers' text (SearchIndex.search's `textOf`). */
export function hasPhrases(text: string): boolean {
  return parseQuery(text).phrases.some((phrase) => phrase.words.length > 1);
}

/** The bits of SEARCH_FIELDS named in `fields` (every field when none is named). */
function fieldMask(fields: readonly string[] | undefined): number {
  let mask = 0;
  for (const name of fields ?? []) {
    const field = FIELD_NAMES[name];
    if (field) mask |= 1 << SEARCH_FIELDS.indexOf(field);
  }
  // lunr names every field it was given, aliases included: that is "anywhere".
  return mask === 0 ? ALL_FIELDS : mask;
}

/** A short sentence about why lunr refused the text. */
function explain(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const field = /^unrecognised field '([^']*)'/.exec(message);
  if (field && field[1] === '') return 'A colon needs a field name before it (title:cloning)';
  if (field) return `"${field[1].slice(0, 40)}" is not a field (use title:, abstract:, tags: or note:)`;
  if (/expecting term|found nothing/.test(message)) return 'A field name or + / - needs a word right after it (title:cloning, +diffusion)';
  if (/edit distance must be numeric/.test(message)) return '~ takes a number of edits (cloning~1)';
  if (/boost must be numeric/.test(message)) return '^ takes a number (cloning^2)';
  return `This is not lunr query syntax (${message.slice(0, 80)})`;
}

function addOnce(list: string[], text: string): void {
  if (!list.includes(text)) list.push(text);
}
