/** Counts as the reader reads numbers: grouped by the digits of VS Code's display language (10,000 or 10.000). */
import * as vscode from 'vscode';

/** `count` in the reader's locale, with `noun` made plural unless the count is one: "10,000 papers". */
export function countOf(count: number, noun: string, plural = `${noun}s`): string {
  return `${formatNumber(count)} ${count === 1 ? noun : plural}`;
}

/** A number in the reader's locale (VS Code's display language; English when it is not one Intl knows). */
export function formatNumber(value: number): string {
  try {
    return value.toLocaleString(vscode.env.language);
  } catch {
    return value.toLocaleString('en');
  }
}
