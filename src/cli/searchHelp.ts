/**
 * The help of `search` and `related`, apart from their code: `marginalia --help` and every other
 * command load this, while search.ts (the index, the note rule and their YAML and JSONC parsers) is
 * loaded only when a search runs.
 */
export const SEARCH_HELP = `  marginalia search [--json] [--limit N] [--root DIR] QUERY [PATH...]
      Papers matching QUERY, best first, with the words that matched. QUERY
      uses lunr's syntax: title:cloning, imit*, cloning~1, +diffusion -driving,
      cloning^2 (fields: title, abstract, tags, note). Text that is not lunr
      syntax is searched as plain words, with a hint on stderr. Put -- before
      a QUERY that starts with "-". PATH defaults to DIR.
  marginalia related [--json] [--limit N] [--root DIR] KEY [PATH...]
      The papers most related to the paper KEY (default: 10).
      Both read the tags in DIR/.marginalia/library.jsonl and the papers'
      notes, found as the extension finds them: a markdown file whose front
      matter says "key: KEY", or NOTES/KEY.md, where NOTES is the setting
      marginalia.notes.folder in DIR/.vscode/settings.json (default: notes).
      --json prints {query or key, total, hints, results:
      [{key, title, score, matches: [{word, fields}]}]}. Exit 0 when papers
      were found, 1 when none (or KEY is unknown). While no digest, the
      library file or a note changes, both answer from the index kept in the
      cache (see Cache below) without reading any digest.
`;
