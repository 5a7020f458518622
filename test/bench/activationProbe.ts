// Loaded by VS Code as extensionTestsPath in the activation benchmark: waits for Marginalia's first
// tree and prints the extension's own timings as one BENCH-RESULT line for the runner outside.
import * as vscode from 'vscode';
import type { MarginaliaApi } from '../../src/extension';

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<MarginaliaApi>('marginalia.marginalia');
  if (!extension) throw new Error('Marginalia is not installed');
  const api = await extension.activate();
  await api.ready;
  console.log(`BENCH-RESULT ${JSON.stringify({ ...api.timings, papers: api.library.papers.length, digests: api.library.digestFiles.length })}`);
}
