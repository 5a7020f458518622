/**
 * The data model shared by the parser, the library, the CLI, the extension host and the webview.
 * Plain data only: every value here survives JSON.stringify / JSON.parse unchanged.
 */

/** A calendar date as digests print it; the year is null when the digest omits it ("Mar 6"). */
export interface PaperDate {
  year: number | null;
  /** 1 to 12. */
  month: number;
  /** 1 to 31. */
  day: number;
}

/** Where an entry stands: a digest file (as given to the parser) and a 1-based line number. */
export interface SourceRef {
  file: string;
  line: number;
}

/** What a digest says about a paper: the fields a digest entry and a library paper share. */
export interface PaperFields {
  title: string;
  /** Wrapped lines joined by single spaces; empty when the digest has no abstract for the title. */
  abstract: string;
  authors: number | null;
  submitter: string | null;
  date: PaperDate | null;
  upvotes: number | null;
  /** http(s) URLs found in the abstract, in order of appearance, without duplicates. */
  links: string[];
}

/** One paper as a single digest shows it. */
export interface DigestEntry extends PaperFields {
  /** 1-based line of the title. */
  line: number;
}

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

/** A line the parser could not place, or a file it could not read, with a sentence that says why. */
export interface Diagnostic {
  file: string;
  /** 1-based; 0 when the message is about the whole file. */
  line: number;
  message: string;
  severity: DiagnosticSeverity;
}

/** What the parser makes of one digest file. */
export interface ParsedDigest {
  file: string;
  /** The lone date in the digest's header ("Mar 11"), when there is one. */
  digestDate: { month: number; day: number } | null;
  entries: DigestEntry[];
  diagnostics: Diagnostic[];
}

/** One paper of the library: the same paper seen in several digests is one Paper with several sources. */
export interface Paper extends PaperFields {
  /** The canonical citation key: the one Marginalia inserts and exports (see libraryFile.ts). */
  key: string;
  /** Other keys that name this paper and keep resolving (older keys, keys from a merge), sorted. */
  aliases: string[];
  /** Every place the paper appears, in the order the digests were given. */
  sources: SourceRef[];
}
