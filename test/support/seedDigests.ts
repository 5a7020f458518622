/** The four sample digests of seeds/ and how many papers each lists (test/unit pins them entry by entry). */
export const SEED_GROUPS: [file: string, papers: number][] = [
  ['000_896f7befaa86139f.txt', 58],
  ['001_4527b1b50237e4c0.txt', 49],
  ['002_7de4789b7565d511.txt', 74],
  ['003_633ab4c5ca64d127.txt', 146],
];
