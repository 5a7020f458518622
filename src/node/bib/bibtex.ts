/**
 * BibTeX from CSL-JSON items, with citation-js (`@citation-js/core` + `@citation-js/plugin-bibtex`)
 * doing the escaping: LaTeX specials (`& % $ # _ { } \ ~ ^`), accents and symbols as LaTeX
 * commands, title words in braces. It lives in src/node, not src/core, because citation-js's core
 * bundles its URL fetchers (node-fetch, sync-fetch), which import Node built-ins.
 *
 * What Marginalia adds on top:
 * - the entry type is `@misc` (title, year and month are all it requires: digests give no authors
 *   or journal, which `@article` would demand), with the fields of both of citation-js's mappings
 *   (its BibTeX mapping has no abstract or keywords, its biblatex one no year and month);
 * - characters citation-js cannot write as LaTeX (CJK, emoji) are kept as UTF-8 instead of being
 *   dropped, which biber, BibTeX and pandoc all read;
 * - keys are ours, exactly; a key BibTeX cannot hold is an error rather than silently changed;
 * - the formulas of titles and abstracts (`$\texttt{SAILOR}$`, `\(x^2\)`) stay LaTeX math, written
 *   `$...$`, instead of being escaped into text that shows the TeX source (MathShield).
 */
import { Cite, plugins, type FormattedEntry } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import { format as formatValue } from '@citation-js/plugin-bibtex/lib/output/value.js';
import { arxivIdentifier, type CslItem } from '../../core/bibliography/csl';
import { splitMath } from '../../core/math/delimiters';

// Labels come from our keys; values are written in ASCII with LaTeX commands (the default).
const config = plugins.config.get('@bibtex');
config.format.useIdAsLabel = true;
config.format.asciiOnly = true;

/** The characters a key may use in BibTeX and LaTeX's \cite: none of , { } " # % ' ( ) = \ ~ & $ or spaces. */
const BIBTEX_KEY = /^[A-Za-z0-9_][A-Za-z0-9_:.\-+?<>/]*$/;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Keys that BibTeX cannot hold (they came from a hand-edited library file). Nothing was written. */
export class BibtexKeyError extends Error {
  constructor(readonly keys: readonly string[]) {
    super(
      `${keys.length === 1 ? 'The key' : 'The keys'} ${keys.map((key) => `"${key}"`).join(', ')} cannot be used in BibTeX (use letters, digits and _ : . - + ? < > / only); change ${keys.length === 1 ? 'it' : 'them'} in .marginalia/library.jsonl`,
    );
    this.name = 'BibtexKeyError';
  }
}

/** True when `key` can be written as a BibTeX entry key as it is. */
export function isBibtexKey(key: string): boolean {
  return BIBTEX_KEY.test(key);
}

/**
 * A BibTeX file for `items`: one `@misc` entry each, in the order given, separated by blank lines,
 * ending with a newline (an empty string for no items). Throws BibtexKeyError when a key cannot be
 * written as it is.
 */
export function formatBibtex(items: readonly CslItem[]): string {
  const badKeys = items.flatMap((item) => [item.id, ...(item.aliases ?? [])]).filter((key) => !isBibtexKey(key));
  if (badKeys.length > 0) throw new BibtexKeyError(badKeys);
  if (items.length === 0) return '';

  const texts = items.flatMap((item) => [item.title, item.abstract ?? '', item.keyword ?? '', item.note ?? '']);
  const shield = new UnicodeShield(texts);
  const math = new MathShield(texts);
  const data = items.map(({ aliases: _aliases, ...item }) => ({
    ...item,
    title: shield.hide(math.hide(item.title)),
    ...(item.abstract === undefined ? {} : { abstract: shield.hide(math.hide(item.abstract)) }),
    ...(item.keyword === undefined ? {} : { keyword: shield.hide(item.keyword) }),
    ...(item.note === undefined ? {} : { note: shield.hide(item.note) }),
  }));
  const cite = new Cite(data);
  const bibtex = cite.format('bibtex', { format: 'object' });
  const biblatex = cite.format('biblatex', { format: 'object' });
  // The title as rich text, not as a BibTeX title: citation-js braces every capitalised word of a
  // title, which leaves sentence-case styles nothing to lower-case; our nocase spans say what to keep.
  const titles = data.map((item) => formatValue('note', item.title));
  return items.map((item, index) => math.reveal(shield.reveal(entry(item, titles[index], bibtex[index], biblatex[index])))).join('\n');
}

function entry(item: CslItem, formattedTitle: string, bibtex: FormattedEntry | undefined, biblatex: FormattedEntry | undefined): string {
  const fields: [string, string][] = [];
  const braced = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') fields.push([name, `{${value}}`]);
  };
  const title = formattedTitle === '' ? undefined : protectSpecialGroups(collapseBraces(formattedTitle));
  braced('title', title);
  // BibTeX styles sort (and alpha.bst labels) by author, else by `key`, and warn when both are missing.
  fields.push(['key', `{${item.id}}`]);
  // biblatex resolves these keys to this entry too, so older citations keep working.
  if (item.aliases && item.aliases.length > 0) fields.push(['ids', `{${item.aliases.join(', ')}}`]);
  braced('abstract', biblatex?.properties.abstract);
  const [year, month] = item.issued?.['date-parts'][0] ?? [];
  if (year !== undefined) fields.push(['year', `{${year}}`]);
  if (year !== undefined && month !== undefined && MONTHS[month - 1]) fields.push(['month', MONTHS[month - 1]]);
  // Verbatim for biber and the url package; the characters that would end the field are encoded.
  if (item.URL)
    braced(
      'url',
      item.URL.replace(/[{}\\\s]/g, (ch) => encodeURIComponent(ch)),
    );
  // biblatex's eprint fields (BibTeX styles ignore them), as Better BibTeX writes them for arXiv papers.
  const arxiv = arxivIdentifier(item.URL);
  if (arxiv) {
    fields.push(['eprint', `{${arxiv}}`]);
    fields.push(['archivePrefix', '{arXiv}']);
  }
  braced('keywords', biblatex?.properties.keywords);
  braced('note', bibtex?.properties.note);
  return `@misc{${item.id},\n${fields.map(([name, value]) => `  ${name} = ${plainerLatex(value)},\n`).join('')}}\n`;
}

/** One accented letter as citation-js writes it: `{\' E}`, `{\" U}`, `{\c C}`. */
const ACCENTED_LETTER = /^\{\\(?:[^A-Za-z\s]|[A-Za-z]+ )\s*[A-Za-z]\}$/;

/**
 * BibTeX case-changes a top-level group that starts with a backslash (a "special character"), so
 * the braces around a protected word that starts with a command, `{\L{}{\' o}d{\' z}}` for
 * "Łódź", would let `\L` become `\l`. Such a group holding a capital gets a second pair of braces,
 * unless it is a lone accented letter of a free word, which may change case as the word may.
 */
function protectSpecialGroups(value: string): string {
  let result = '';
  let depth = 0;
  let groupStart = -1;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && depth === 0) {
      // A command at top level ("\&", "\textless{}"): copied with its empty argument as it is.
      const command = /^\\(?:[A-Za-z]+|.)(?:\{\})?/.exec(value.slice(i))?.[0] ?? ch;
      result += command;
      i += command.length - 1;
      continue;
    }
    if (ch === '{') {
      if (depth === 0) groupStart = result.length;
      depth++;
    } else if (ch === '}') {
      depth--;
      if (depth === 0 && groupStart >= 0) {
        const group = result.slice(groupStart) + ch;
        // One accented letter citation-js wrote for a free word (`{\\' E}lan`) may change case, as the word may.
        const protect = group.startsWith('{\\') && /[A-Z]/.test(group) && !ACCENTED_LETTER.test(group);
        result = result.slice(0, groupStart) + (protect ? `{${group}}` : group);
        groupStart = -1;
        continue;
      }
    }
    result += ch;
  }
  return result;
}

/**
 * `\$` and `\_` instead of citation-js's `\textdollar{}` and `\textunderscore{}`: the same in
 * LaTeX, and pandoc's BibTeX reader knows only the short forms (it drops the long ones).
 */
function plainerLatex(value: string): string {
  return value.replace(/\\textdollar\{\}/g, () => '\\$').replace(/\\textunderscore\{\}/g, () => '\\_');
}

/** A nocase span around text citation-js braced itself (a letter it escapes) gives `{{Word}}`: one pair is enough. */
function collapseBraces(value: string): string {
  return value.replace(/\{\{([^{}\\]*)\}\}/g, '{$1}');
}

/**
 * Keeps the characters that citation-js's ASCII output would drop: before formatting, each becomes a
 * token of lower-case ASCII letters and digits (which citation-js passes through untouched and never
 * braces), and after formatting each token becomes its character again. A character counts as
 * dropped when citation-js formats it, alone, to nothing.
 */
class UnicodeShield {
  private static readonly dropped = new Map<string, boolean>();
  private readonly nonce: string;
  private readonly tokens = new Map<string, string>();
  private readonly chars: string[] = [];

  constructor(texts: readonly string[]) {
    let nonce = 'zqx';
    // A nonce that no input contains, so that no token can be forged by the text itself.
    while (texts.some((text) => text.includes(nonce))) nonce += String.fromCharCode(97 + Math.floor(Math.random() * 26));
    this.nonce = nonce;
  }

  hide(text: string): string {
    let result = '';
    for (const ch of text) {
      if (ch.charCodeAt(0) < 0x80 || !UnicodeShield.isDropped(ch)) {
        result += ch;
        continue;
      }
      let token = this.tokens.get(ch);
      if (token === undefined) {
        token = `${this.nonce}${this.chars.length}${this.nonce}`;
        this.tokens.set(ch, token);
        this.chars.push(ch);
      }
      result += token;
    }
    return result;
  }

  reveal(text: string): string {
    if (this.chars.length === 0) return text;
    return text.replace(new RegExp(`${this.nonce}(\\d+)${this.nonce}`, 'g'), (token, index: string) => this.chars[Number(index)] ?? token);
  }

  private static isDropped(ch: string): boolean {
    let dropped = UnicodeShield.dropped.get(ch);
    if (dropped === undefined) {
      const [probe] = new Cite([{ id: 'probe', type: 'article', note: `a${ch}a` }]).format('bibtex', { format: 'object' });
      dropped = probe?.properties.note === 'aa';
      UnicodeShield.dropped.set(ch, dropped);
    }
    return dropped;
  }
}

/**
 * Keeps formulas as LaTeX math: before citation-js escapes the text, each formula whose TeX is safe
 * in a BibTeX field becomes a token of lower-case letters and digits (as in UnicodeShield), and after
 * formatting each token becomes `$tex$` again. The title's formulas sit in a nocase span
 * (protectTitleCase), so they come out braced, `{$O(n^2)$}`, which no style changes the case of.
 * A formula that is not safe stays text and is escaped like any other: unbalanced braces would end
 * the field, and `%`, `#`, `&` or a `$` of its own would break the LaTeX that BibTeX writes.
 */
class MathShield {
  private readonly nonce: string;
  private readonly formulas: string[] = [];

  constructor(texts: readonly string[]) {
    let nonce = 'zqm';
    while (texts.some((text) => text.includes(nonce))) nonce += String.fromCharCode(97 + Math.floor(Math.random() * 26));
    this.nonce = nonce;
  }

  hide(text: string): string {
    return splitMath(text)
      .map((segment) => {
        if (segment.kind === 'text') return segment.text;
        const tex = segment.tex.replace(/\s+/g, ' ').trim();
        if (!isSafeBibtexMath(tex)) return segment.source;
        this.formulas.push(`$${tex}$`);
        return `${this.nonce}${this.formulas.length - 1}${this.nonce}`;
      })
      .join('');
  }

  reveal(text: string): string {
    if (this.formulas.length === 0) return text;
    return text.replace(new RegExp(`${this.nonce}(\\d+)${this.nonce}`, 'g'), (token, index: string) => this.formulas[Number(index)] ?? token);
  }
}

/** True when `tex` can stand inside `$...$` in a BibTeX field: balanced braces, and no unescaped `%`, `#`, `&` or `$`. */
function isSafeBibtexMath(tex: string): boolean {
  let depth = 0;
  for (let i = 0; i < tex.length; i++) {
    const ch = tex[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}' && --depth < 0) return false;
    else if (ch === '%' || ch === '#' || ch === '&' || ch === '$') return false;
  }
  return depth === 0;
}
