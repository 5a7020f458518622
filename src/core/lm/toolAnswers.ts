/**
 * What Marginalia's language-model tools (host/lm/paperTools.ts) answer: plain text a chat model can
 * read and cite. Every paper is named by its citation key in pandoc form (`[@key]`), so that an
 * answer the model writes cites the reader's own library; a question the library cannot answer (an
 * unknown key, an empty query) gets one sentence that says so and what to try, never an exception.
 */
import type { SearchHit } from '../search/searchIndex';
import { trimAtWord } from '../text';
import type { Paper } from '../types';
import { formatPaperDate, splitLinks } from '../paperView/viewModel';

/** Abstracts in a list of results are cut to this many characters; `get paper` gives the whole abstract. */
export const LISTED_ABSTRACT_CHARS = 300;
/** The most results a tool lists, whatever the model asks for. */
export const MAX_TOOL_RESULTS = 25;
/** A whole abstract longer than this is cut (a digest may carry a page of text). */
const FULL_ABSTRACT_CHARS = 6000;

/** What the answers need to know of the library. */
export interface ToolLibrary {
  get(key: string): Paper | undefined;
  tagsOf(key: string): readonly string[];
}

/** The number of results to list: the model's wish when it is a positive whole number, capped; else `fallback`. */
export function resultLimit(requested: unknown, fallback: number): number {
  if (typeof requested !== 'number' || !Number.isFinite(requested) || requested < 1) return fallback;
  return Math.min(Math.floor(requested), MAX_TOOL_RESULTS);
}

/** A citation key as the model was given it, cleaned of the pandoc or LaTeX wrapping it may have kept (`[@key]`, `@key`, `\cite{key}`). */
export function cleanKey(text: unknown): string {
  if (typeof text !== 'string') return '';
  return text
    .trim()
    .replace(/^\\\w*cite\w*\{([^}]*)\}$/, '$1')
    .replace(/^\[?@?/, '')
    .replace(/\]$/, '')
    .trim();
}

/** One line per paper of a result list: `[@key] Title (date). Tags: ... Abstract: ...` */
function listedPaper(rank: number, paper: Paper, library: ToolLibrary, extra: string): string {
  const date = formatPaperDate(paper.date);
  const tags = library.tagsOf(paper.key);
  const parts = [`${rank}. [@${paper.key}] ${oneLine(paper.title)}${date ? ` (${date})` : ''}.`];
  if (extra) parts.push(extra);
  if (tags.length > 0) parts.push(`Tags: ${tags.join(', ')}.`);
  if (paper.abstract) parts.push(`Abstract: ${trimAtWord(paper.abstract, LISTED_ABSTRACT_CHARS)}`);
  return parts.join(' ');
}

/** The answer of the search tool for `query` and the index's result. */
export function searchAnswer(query: string, hits: readonly SearchHit[], total: number, hints: readonly string[], library: ToolLibrary): string {
  const lines: string[] = [];
  const papers = hits.flatMap((hit) => {
    const paper = library.get(hit.key);
    return paper ? [{ hit, paper }] : [];
  });
  if (papers.length === 0) {
    lines.push(
      `No paper in the reader's Marginalia library matches "${oneLine(query)}"; try fewer or other words, a prefix such as imit*, or a misspelling allowance such as cloning~1.`,
    );
  } else {
    lines.push(
      `${papers.length === total ? papers.length : `The best ${papers.length} of ${total}`} paper${total === 1 ? '' : 's'} in the reader's Marginalia library matching "${oneLine(query)}", best first. Cite a paper by its key exactly as written, [@key].`,
    );
    papers.forEach(({ hit, paper }, i) => {
      const matched = hit.matches.map((match) => `${match.word} (${match.fields.join(', ')})`).join('; ');
      lines.push(listedPaper(i + 1, paper, library, matched ? `Matched: ${matched}.` : ''));
    });
  }
  for (const hint of hints) lines.push(`Note: ${hint}`);
  return lines.join('\n');
}

/** The answer of the related-papers tool for the paper `key` (already known to exist) and its related hits. */
export function relatedAnswer(paper: Paper, hits: readonly SearchHit[], library: ToolLibrary): string {
  const lines: string[] = [];
  const papers = hits.flatMap((hit) => {
    const related = library.get(hit.key);
    return related ? [{ hit, paper: related }] : [];
  });
  if (papers.length === 0) {
    lines.push(`No other paper in the reader's library shares enough telling words with [@${paper.key}] "${oneLine(paper.title)}" to count as related.`);
    return lines.join('\n');
  }
  lines.push(
    `The ${papers.length} papers of the reader's Marginalia library most related to [@${paper.key}] "${oneLine(paper.title)}", most related first. Cite them as [@key].`,
  );
  papers.forEach(({ hit, paper: related }, i) => {
    const shared = hit.matches.map((match) => match.word).join(', ');
    lines.push(listedPaper(i + 1, related, library, shared ? `Shares: ${shared}.` : ''));
  });
  return lines.join('\n');
}

/** The answer of the get-paper tool: every field the library has, one per line. */
export function paperAnswer(paper: Paper, library: ToolLibrary, notePath: string | undefined): string {
  const { codeLinks, otherLinks } = splitLinks(paper.links);
  const lines = [`Key: ${paper.key} (cite as [@${paper.key}])`, `Title: ${oneLine(paper.title)}`];
  if (paper.aliases.length > 0) lines.push(`Other keys of this paper (still valid): ${paper.aliases.join(', ')}`);
  if (paper.authors !== null) lines.push(`Authors: ${paper.authors} (the digest gives their number, not their names)`);
  else lines.push('Authors: not given by the digest');
  if (paper.submitter) lines.push(`Submitted by: ${oneLine(paper.submitter)}`);
  const date = formatPaperDate(paper.date);
  lines.push(`Date: ${date ? `${date}${paper.date?.year === null ? ' (year not given)' : ''}` : 'not given'}`);
  if (paper.upvotes !== null) lines.push(`Upvotes: ${paper.upvotes}`);
  const tags = library.tagsOf(paper.key);
  lines.push(`Tags: ${tags.length > 0 ? tags.join(', ') : 'none'}`);
  lines.push(`Code links: ${codeLinks.length > 0 ? codeLinks.join(' ') : 'none'}`);
  lines.push(`Other links: ${otherLinks.length > 0 ? otherLinks.join(' ') : 'none'}`);
  if (notePath) lines.push(`The reader's note: ${notePath}`);
  lines.push(`Abstract: ${paper.abstract ? trimAtWord(paper.abstract, FULL_ABSTRACT_CHARS) : 'none in the digest'}`);
  return lines.join('\n');
}

/** The sentence for a key the library does not know. */
export function unknownKeyAnswer(key: string): string {
  if (key === '') return 'No citation key was given; pass the key of a paper exactly as the search tool lists it (without the [@ ]).';
  return `The reader's Marginalia library has no paper with the key "${oneLine(key)}"; search the library first (the search tool) and use a key exactly as it lists it.`;
}

/** The sentence for an empty query. */
export const EMPTY_QUERY_ANSWER =
  'The search query is empty; pass a few words about the topic (for example "behavior cloning"), or lunr syntax such as title:diffusion or imit*.';

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
