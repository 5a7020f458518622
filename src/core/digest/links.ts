/** Finding URLs in digest text and telling code links from the rest. */

// A URL starts at a scheme even when glued to a preceding word ("researchhttps://...") and runs to
// the next character that cannot stand unescaped in running text: white space, quotes, angle and
// curly brackets, dashes and CJK punctuation ("代码见https://x.io/a。下一句").
const URL_PATTERN =
  /https?:\/\/[^\s<>"'`{}|\\^\u00a0\u00ab\u00bb\u2013\u2014\u2018\u2019\u201c\u201d\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+/gi;
/** Sentence punctuation that ends a sentence rather than the URL before it. */
const TRAILING = '.,;:!?*_~\u2026';
/** Brackets that may close around a URL, with their openers. */
const CLOSERS: Record<string, string> = { ')': '(', ']': '[' };

/**
 * The http(s) URLs in `text`, in order of first appearance, without duplicates. Sentence punctuation
 * after a URL and brackets that enclose it ("(https://x.io)", "<https://x.io>.") are not part of it;
 * brackets balanced inside the URL ("https://en.wikipedia.org/wiki/A_(b)") are.
 */
export function extractLinks(text: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = trimUrl(match[0]);
    if (url.length <= 'https://'.length || !hasHost(url)) continue;
    if (!seen.has(url)) {
      seen.add(url);
      found.push(url);
    }
  }
  return found;
}

function trimUrl(raw: string): string {
  // Count unmatched closers once, then strip from the end: punctuation always, a closer while it
  // closes nothing inside the URL ("(https://x.io/a_(b))" keeps one). One pass: no regex over the
  // end of a hostile URL made of thousands of brackets or dots.
  const unmatched: Record<string, number> = { ')': 0, ']': 0 };
  for (const ch of raw) {
    if (ch === ')' || ch === ']') unmatched[ch]++;
    else if (ch === '(') unmatched[')']--;
    else if (ch === '[') unmatched[']']--;
  }
  let end = raw.length;
  while (end > 0) {
    const ch = raw[end - 1];
    if (TRAILING.includes(ch)) {
      end--;
    } else if (ch in CLOSERS && unmatched[ch] > 0) {
      unmatched[ch]--;
      end--;
    } else {
      break;
    }
  }
  return raw.slice(0, end);
}

function hasHost(url: string): boolean {
  const rest = url.replace(/^https?:\/\//i, '');
  return (/^[\p{L}\p{N}]/u.test(rest) && /[\p{L}\p{N}-]\.[\p{L}\p{N}]/u.test(rest.split('/')[0] ?? '')) || /^localhost\b/i.test(rest);
}

/** Hosts whose links point at code or model repositories rather than a project page. */
const CODE_HOSTS = /^(?:www\.)?(?:github\.com|gist\.github\.com|gitlab\.com|huggingface\.co|hf\.co|bitbucket\.org|codeberg\.org)$/i;
/** Pages of those hosts that are not repositories: paper pages, blogs, docs, topics, organisations. */
const NOT_REPOSITORIES = new Set([
  'papers',
  'blog',
  'docs',
  'learn',
  'posts',
  'collections',
  'tasks',
  'orgs',
  'topics',
  'features',
  'sponsors',
  'marketplace',
  'explore',
  'trending',
  'search',
  'settings',
  'about',
  'pricing',
]);

/**
 * True for links to a repository on a code host (GitHub and its gists, GitLab, Hugging Face models,
 * datasets and spaces, Bitbucket, Codeberg): at least owner and name, and not one of the hosts'
 * own pages (Hugging Face paper pages, blogs, docs, GitHub topics and organisations).
 */
export function isCodeLink(url: string): boolean {
  try {
    const { hostname, pathname } = new URL(url);
    const segments = pathname.split('/').filter(Boolean);
    // A bare host ("https://github.com") or a user page is not a repository.
    return CODE_HOSTS.test(hostname) && segments.length >= 2 && !NOT_REPOSITORIES.has(segments[0].toLowerCase());
  } catch {
    return false;
  }
}
