/**
 * Related papers' scores as the reader sees them: a share of the first (best) paper's score, since
 * the raw figure (a sum of TF-IDF weights) means nothing on its own and changes with the library.
 */

/**
 * Each score as a whole percentage of the first: the first is 100, every other at least 1 (a paper
 * listed is related). When the first score is not positive, every paper is 100.
 */
export function relativePercents(scores: readonly number[]): number[] {
  const best = scores[0] ?? 0;
  return scores.map((score) => (best > 0 ? Math.min(100, Math.max(1, Math.round((100 * score) / best))) : 100));
}
