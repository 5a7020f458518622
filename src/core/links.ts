/** Finding URLs in digest text and telling code links from the rest. */

// A URL starts at a scheme even when glued to a preceding word ("researchhttps://...") and runs to
// the next character that cannot stand unescaped in running text.
const URL_PATTERN = /https?:\/\/[^\s<>"'`{}|\\^\u00a0\u3000]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?*_~'"\u2019\u201d\u3002\uff0c]+$/;
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{', '>': '<' };

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
  let url = raw;
  for (;;) {
    const before = url;
    url = url.replace(TRAILING_PUNCTUATION, '');
    const last = url.at(-1);
    if (last !== undefined && last in CLOSERS) {
      const opener = CLOSERS[last];
      let balance = 0;
      for (const ch of url) {
        if (ch === opener) balance++;
        else if (ch === last) balance--;
      }
      if (balance < 0) url = url.slice(0, -1);
    }
    if (url === before) return url;
  }
}

function hasHost(url: string): boolean {
  const rest = url.replace(/^https?:\/\//i, '');
  return /^[\p{L}\p{N}]/u.test(rest) && /[\p{L}\p{N}-]\.[\p{L}\p{N}]/u.test(rest.split('/')[0] ?? '') || /^localhost\b/i.test(rest);
}

/** Hosts whose links point at code or model repositories rather than a project page. */
const CODE_HOSTS = /^(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co|hf\.co|bitbucket\.org|codeberg\.org)$/i;

/** True for links to a repository host (GitHub, GitLab, Hugging Face, Bitbucket, Codeberg). */
export function isCodeLink(url: string): boolean {
  try {
    const { hostname, pathname } = new URL(url);
    // A bare host ("https://github.com") or a user page is not a repository.
    return CODE_HOSTS.test(hostname) && pathname.split('/').filter(Boolean).length >= 2;
  } catch {
    return false;
  }
}
