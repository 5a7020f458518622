/**
 * Asking the user for one paper: the quick pick every command uses when nothing else says which
 * paper it is for. Search Papers is not this picker: it searches the index and opens what is chosen.
 */
import * as vscode from 'vscode';
import { iconLabelText } from '../../core/escaping';
import { describePaper } from '../../core/papers/grouping';
import type { Paper } from '../../core/types';
import type { Library } from '../library/library';
import { readableMath } from '../../core/math/readable';

/** Abstracts are shown up to this many characters under a paper found by `find`. */
const DETAIL_CHARS = 160;

export interface PaperPickOptions {
  title: string;
  /** Offers only the papers this holds for; every paper of the library when left out. */
  only?: (paper: Paper) => boolean;
  placeHolder?: string;
  /** Told to the user, instead of showing an empty list, when there is no paper to offer. */
  emptyMessage?: string;
  /**
   * Our own matching, run as the user types, instead of VS Code's on titles and keys: Insert
   * Citation finds words in abstracts, and stays fast at 10,000 papers.
   */
  find?: (query: string) => Promise<readonly Paper[]>;
  /** What the picker starts with typed in (with `find` only). */
  value?: string;
}

/** A quick pick row: the paper's key rides along. */
interface PaperItem extends vscode.QuickPickItem {
  key: string;
}

/** Resolves to the key of the paper the user chose, or undefined when there was none or they cancelled. */
export async function pickPaper(library: Library, options: PaperPickOptions): Promise<string | undefined> {
  const papers = options.only ? library.papers.filter(options.only) : library.papers;
  if (papers.length === 0) {
    void vscode.window.showInformationMessage(options.emptyMessage ?? 'The Marginalia library is empty: add a Daily Papers digest to the workspace first.');
    return undefined;
  }
  if (options.find) return pickFound(options.title, options.placeHolder ?? 'Type words of the title, abstract or key', options.find, options.value ?? '');
  const choice = await vscode.window.showQuickPick(
    papers.map((paper) => paperItem(paper)),
    {
      title: options.title,
      placeHolder: options.placeHolder ?? 'Type to find a paper by title or key',
      matchOnDescription: true,
    },
  );
  return choice?.key;
}

function pickFound(title: string, placeHolder: string, find: (query: string) => Promise<readonly Paper[]>, value: string): Promise<string | undefined> {
  const quickPick = vscode.window.createQuickPick<PaperItem>();
  quickPick.title = title;
  quickPick.placeholder = placeHolder;
  quickPick.value = value;
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  // `find` has chosen these; VS Code's label filter must not hide the papers that matched in the abstract.
  // Answers can come back out of order: only the one for the latest value is shown.
  let asked = 0;
  const update = async () => {
    const query = quickPick.value;
    const mine = ++asked;
    quickPick.busy = true;
    let papers: readonly Paper[];
    try {
      papers = await find(query);
    } catch {
      papers = [];
    }
    if (mine !== asked) return;
    quickPick.busy = false;
    quickPick.items = papers.map((paper) => ({ ...paperItem(paper, true), alwaysShow: true }));
  };
  void update();
  return new Promise<string | undefined>((resolve) => {
    let chosen: string | undefined;
    quickPick.onDidChangeValue(() => void update());
    quickPick.onDidAccept(() => {
      chosen = quickPick.selectedItems[0]?.key;
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      quickPick.dispose();
      resolve(chosen);
    });
    quickPick.show();
  });
}

/** Title, then key and what describes the paper; with `withAbstract`, the abstract's start below. */
function paperItem(paper: Paper, withAbstract = false): PaperItem {
  const item: PaperItem = {
    label: iconLabelText(readableMath(paper.title) || paper.key),
    description: iconLabelText([paper.key, describePaper(paper)].filter(Boolean).join(' · ')),
    key: paper.key,
  };
  if (withAbstract) item.detail = iconLabelText(abstractStart(readableMath(paper.abstract)));
  return item;
}

function abstractStart(abstract: string): string {
  const clean = abstract.replace(/\s+/g, ' ').trim();
  return clean.length > DETAIL_CHARS ? `${clean.slice(0, DETAIL_CHARS - 1)}…` : clean;
}
