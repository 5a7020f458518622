// The few parts of citation-js that src/node/bib/bibtex.ts uses (the packages ship no types).

declare module '@citation-js/core' {
  /** An entry as the BibTeX plugin's `format: 'object'` output gives it: field values already escaped. */
  export interface FormattedEntry {
    type: string;
    label: string;
    properties: Record<string, string>;
  }

  export class Cite {
    constructor(data: unknown);
    format(format: 'bibtex' | 'biblatex', options: { format: 'object' }): FormattedEntry[];
    format(format: string, options?: Record<string, unknown>): string;
  }

  export const plugins: {
    config: {
      get(name: '@bibtex'): { format: { useIdAsLabel: boolean; checkLabel: boolean; asciiOnly: boolean } };
    };
  };
}

declare module '@citation-js/plugin-bibtex';

// The BibTeX plugin's own parser, for reading .bib files (src/node/bib/bibFiles.ts): text to raw
// entries (throws a SyntaxError naming the line), and raw entries to CSL items (crossref resolved).
declare module '@citation-js/plugin-bibtex/lib/input/file.js' {
  export function parse(text: string): { type: string; label: string; properties: Record<string, string> }[];
}

declare module '@citation-js/plugin-bibtex/lib/input/entries.js' {
  export function parseBibtex(entries: { type: string; label: string; properties: Record<string, string> }[]): never[];
}

// The plugin's value formatter: `format('note', richText)` escapes LaTeX and turns nocase spans into braces.
declare module '@citation-js/plugin-bibtex/lib/output/value.js' {
  export function format(field: string, value: string): string;
}
