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
