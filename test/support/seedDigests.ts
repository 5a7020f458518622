/**
 * The four sample digests of seeds/, how many papers each lists (test/unit pins them entry by entry)
 * and the label of its group in the Papers tree: the date the digest gives itself, else its file name.
 */
export const SEED_GROUPS: [file: string, papers: number, label: string][] = [
  ['000_896f7befaa86139f.txt', 58, 'March 11'],
  ['001_4527b1b50237e4c0.txt', 49, 'December 9'],
  ['002_7de4789b7565d511.txt', 74, 'March 14'],
  ['003_633ab4c5ca64d127.txt', 146, '003_633ab4c5ca64d127.txt'],
];
