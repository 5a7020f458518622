/**
 * Which papers a command acts on: the one rule every paper command follows. A command looks, in
 * this order, at
 *   1. its arguments: a key, a paper's tree node (with the tree's multi-selection, which VS Code
 *      passes as the second argument), or a paper view's context menu (its `paperKey`);
 *   2. a place of its own, when it has one (Find Citations: the key under the cursor);
 *   3. the paper of the active paper view, for commands about the paper being read (`activePaper`);
 *   4. the Papers tree's selection (unless `treeSelection` is false), only when the command came
 *      with no argument at all (the palette, a keybinding): a menu that passes something else,
 *      such as an editor's URI, was used there and not in the tree;
 *   5. one paper the user picks.
 */
import type { Paper } from '../../core/types';
import type { Library } from '../library/library';
import { pickPaper, type PaperPickOptions } from './paperPicker';

/** A tree node as VS Code hands it to a context-menu command (the Papers and Tags trees; the Related view has no paper menu). */
interface PaperNodeLike {
  kind: 'paper';
  paper: Paper;
}

/** Where the commands find the tree's selection and the active paper view. */
export interface CommandPaperSources {
  /** The keys selected in the Papers tree. */
  selectedKeys(): string[];
  /** The paper of the active paper view, if one is active. */
  activePaperKey(): string | undefined;
}

export interface CommandPaperOptions {
  /** The picker's title, when the user is asked. */
  title: string;
  /** Whether the active paper view's paper counts (step 3); false by default. */
  activePaper?: boolean;
  /** Whether the tree's selection counts (step 4); true by default. */
  treeSelection?: boolean;
  /** The command's own place to look (step 2). */
  own?: () => string | undefined;
  /** How to ask (step 5), when the command offers only some papers or matches in its own way. */
  picker?: Omit<PaperPickOptions, 'title'>;
}

/** The keys a command's arguments name: the tree's multi-selection, one node, one key, a paper view's context, or none. */
export function keysFromArguments(first: unknown, all: unknown): string[] {
  if (Array.isArray(all) && all.length > 0) return all.map(keyOf).filter((key): key is string => key !== undefined);
  const key = keyOf(first);
  return key ? [key] : [];
}

function keyOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  if ((value as PaperNodeLike).kind === 'paper') return (value as PaperNodeLike).paper.key;
  // A webview's context menu passes its data-vscode-context.
  const fromWebview = (value as { paperKey?: unknown }).paperKey;
  return typeof fromWebview === 'string' ? fromWebview : undefined;
}

/** The papers commands act on, by the rule above. Created once, at the composition root. */
export class CommandPapers {
  constructor(
    private readonly library: Library,
    private readonly sources: CommandPaperSources,
  ) {}

  /** The keys a command with arguments `first` and `all` acts on; empty when the user cancelled. */
  async keys(first: unknown, all: unknown, options: CommandPaperOptions): Promise<string[]> {
    const given = keysFromArguments(first, all);
    if (given.length > 0) return given;
    const own = options.own?.();
    if (own) return [own];
    const active = options.activePaper ? this.sources.activePaperKey() : undefined;
    if (active) return [active];
    if ((options.treeSelection ?? true) && first === undefined) {
      const selected = this.sources.selectedKeys();
      if (selected.length > 0) return selected;
    }
    const picked = await pickPaper(this.library, { ...options.picker, title: options.title });
    return picked ? [picked] : [];
  }

  /** The one paper a single-paper command acts on: the first of `keys`. */
  async key(first: unknown, all: unknown, options: CommandPaperOptions): Promise<string | undefined> {
    return (await this.keys(first, all, options))[0];
  }
}
