/**
 * Which repository a URL names, so that a code link in an abstract (`https://github.com/Owner/Repo`)
 * can be matched with a clone in the workspace whose remote is `git@github.com:owner/repo.git`.
 * Pure: reading `.git/config` is the host's job; parsing its text is here.
 */

/** Hosts known under two names. */
const HOST_ALIASES: Record<string, string> = {
  'hf.co': 'huggingface.co',
  'www.github.com': 'github.com',
  'www.gitlab.com': 'gitlab.com',
  'www.huggingface.co': 'huggingface.co',
};

/** Hugging Face repositories other than models live under these prefixes. */
const HF_KINDS = new Set(['datasets', 'spaces']);

/**
 * The identity of the repository `url` names, as `host/owner/name` in lower case (GitHub, GitLab
 * and Hugging Face treat owner and name case-insensitively), or undefined when it names none.
 *
 * Accepts the forms clones and abstracts use: `https://host/owner/repo[.git][/tree/...]`,
 * `http://`, `git://`, `ssh://[user@]host[:port]/owner/repo.git`, scp-like `user@host:owner/repo.git`,
 * and credentials in https URLs. Extra path segments after the repository (`/tree/main/src`,
 * `/blob/...`, GitLab's `/-/...`) are ignored; GitLab subgroups are kept (`gitlab.com/group/sub/repo`);
 * Hugging Face datasets and spaces keep their kind (`huggingface.co/datasets/owner/name`).
 */
export function repositoryId(url: string): string | undefined {
  const trimmed = url.trim();
  let host: string;
  let path: string;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(trimmed);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      return undefined;
    }
    if (!['http:', 'https:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(parsed.protocol)) return undefined;
    host = parsed.hostname;
    path = decodeURIComponentSafe(parsed.pathname);
  } else if (scp) {
    host = scp[1];
    path = scp[2];
  } else {
    return undefined;
  }
  host = host.toLowerCase();
  host = HOST_ALIASES[host] ?? host;
  if (!host) return undefined;

  let segments = path.split(/[?#]/)[0].split('/').filter(Boolean);
  const dash = segments.indexOf('-');
  if (dash >= 0) segments = segments.slice(0, dash);
  if (host === 'huggingface.co') {
    const kind = HF_KINDS.has(segments[0]?.toLowerCase() ?? '') ? [segments[0].toLowerCase()] : [];
    segments = [...kind, ...segments.slice(kind.length, kind.length + 2)];
    if (segments.length < kind.length + 2) return undefined;
  } else if (host === 'gitlab.com' || host.startsWith('gitlab.')) {
    // Subgroups are part of the path; a clone's remote ends the path with the repository.
    if (segments.length < 2) return undefined;
  } else {
    // GitHub and the like: owner and name; what follows (`/tree/main/x`, `/issues`) is a page of it.
    if (segments.length < 2) return undefined;
    segments = segments.slice(0, 2);
  }
  const last = segments.length - 1;
  segments[last] = segments[last].replace(/\.git$/i, '');
  if (segments[last] === '') return undefined;
  return [host, ...segments].join('/').toLowerCase();
}

/**
 * True when the code link `link` and the git remote URL `remote` name the same repository. For
 * GitLab, a link into a file of a repository
 * (`gitlab.com/group/repo/blob/main/x`, without GitLab's `/-/`) still matches the clone `group/repo`.
 */
export function sameRepository(link: string, remote: string): boolean {
  const a = repositoryId(link);
  const b = repositoryId(remote);
  if (a === undefined || b === undefined) return false;
  return a === b || (a.startsWith('gitlab') && a.startsWith(`${b}/`));
}

/**
 * The remote URLs in the text of a git config file (`.git/config`): the `url` of every
 * `[remote "name"]` section, in file order. Tolerates comments (`#`, `;`), quotes and spaces.
 */
export function gitRemoteUrls(config: string): string[] {
  const urls: string[] = [];
  let inRemote = false;
  for (const rawLine of config.split(/\r\n|\r|\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"(?:[^"\\]|\\.)*")?\s*\]/.exec(line);
    if (section) {
      inRemote = section[1].toLowerCase() === 'remote';
      continue;
    }
    if (!inRemote) continue;
    const entry = /^url\s*=\s*(.*)$/i.exec(line);
    if (!entry) continue;
    let value = entry[1].replace(/\s[#;].*$/, '').trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (value) urls.push(value);
  }
  return urls;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
