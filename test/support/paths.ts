/** Where the repository's folders are, for tests and benchmarks at any depth under test/. */
import * as path from 'node:path';

/** The repository's root: package.json, seeds/, src/. */
export const repoRoot = path.join(__dirname, '..', '..');
/** The four sample digests. */
export const seedsFolder = path.join(repoRoot, 'seeds');
/** test/fixtures: digests, BibTeX and workspaces written for the tests. */
export const fixturesFolder = path.join(repoRoot, 'test', 'fixtures');
