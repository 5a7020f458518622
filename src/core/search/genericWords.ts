/**
 * The words of research prose that say how a paper is written rather than what it is about: "we
 * propose a novel approach that significantly outperforms existing methods" fits any field. Search
 * keeps them (a reader may type them), and so do Related papers' scores (leaving them out of the
 * vectors changed nothing on the relevance labels: their idf is low already); the reasons Related
 * shows leave them out, where they read as if two papers were related by their phrasing ("paving the
 * way", "first propose"), unless the papers share nothing else. Chosen as words of
 * academic English, not from any labelled result. A stem stands for all its words, so a generic word
 * whose stem is a topic's is left out: "demonstrate" (demonstrations), "experiment" (experience),
 * "generally" (generation), "critical" (critic), "follow" (instruction following), "make" (decision
 * making), "prior", "boost", "utilize" (utility), "comprehensive" (comprehension), "diverse"
 * (diversity), "numerous" (numerical); and so are words that name a topic beside another: "high"
 * and "low" (low rank), "order" (second order), "key" (key-value), "current", "evaluation".
 */
import { Analyzer } from './analyzer';

const WORDS = `
  paper papers work works study studies article research researchers
  approach approaches method methods methodology framework frameworks technique techniques strategy strategies
  propose proposes proposed proposing present presents presented presenting introduce introduces introduced introducing
  novel new first second third finally
  show shows shown showing
  result results empirical empirically
  outperform outperforms outperformed outperforming surpass surpasses surpassing
  achieve achieves achieved achieving improve improves improved improving improvement improvements
  enhance enhances enhanced enhancing
  significant significantly substantial substantially considerable considerably notable notably remarkable remarkably
  effective effectively effectiveness superior
  existing previous previously recent recently
  based using use used uses via toward towards
  provide provides provided providing offer offers offered enable enables enabled enabling allow allows allowed allowing
  leverage leverages leveraged leveraging employ employs employed employing
  address addresses addressed addressing tackle tackles
  challenge challenges challenging problem problems issue issues limitation limitations difficulty difficult
  important importance crucial essential fundamental
  highlight highlights highlighted highlighting finding findings insight insights contribution contributions
  extensive extensively thorough
  however moreover furthermore additionally also further thus hence therefore consequently
  various variety different several multiple many range wide widely
  often typically commonly usually particular particularly specific specifically respectively
  able ability capable potential promising
  way ways paving pave end level
  out far over through during across within
  surprising surprisingly exhibit exhibits exhibited exhibiting
  lack lacks lacking
  perform performs performed performing available
  one two three four five
  well better best good strong stronger simple simply straightforward
  large larger small smaller
  et al
  overall remain remains remaining still yet while whereas despite
  require requires required requiring without
  given respect
`;

let stems: Set<string> | undefined;

/** The stems (analyzer.ts) of the generic words. */
export function genericStems(): ReadonlySet<string> {
  if (!stems) {
    const analyzer = new Analyzer();
    stems = new Set(
      WORDS.split(/\s+/)
        .filter(Boolean)
        .map((word) => analyzer.stem(word))
        .filter(Boolean),
    );
  }
  return stems;
}

/** Whether a stem says nothing of a topic as a reason by itself: one of the words above, or a number ("100", "2024"). */
export function isGenericStem(stem: string): boolean {
  return genericStems().has(stem) || /^\p{N}+$/u.test(stem);
}

/** Whether a pair holding this stem says nothing of a topic: one of the words above (a number beside a name, "gpt 4", says something). */
export function isGenericInPair(stem: string): boolean {
  return genericStems().has(stem);
}
