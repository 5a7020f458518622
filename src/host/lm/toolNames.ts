/**
 * The language-model tools Marginalia contributes: package.json `languageModelTools` lists exactly
 * these (a unit test checks both ways), and host/lm/paperTools.ts registers exactly these.
 */
export const ToolNames = {
  searchPapers: 'marginalia_search_papers',
  getPaper: 'marginalia_get_paper',
  relatedPapers: 'marginalia_related_papers',
} as const;
