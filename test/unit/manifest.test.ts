import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { CommandIds } from '../../src/host/commandIds';
import { ToolNames } from '../../src/host/lm/toolNames';
import { repoRoot } from '../support/paths';

const root = repoRoot;
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: Record<string, { command?: string; submenu?: string }[]>;
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; contents: string }[];
    languageModelTools: {
      name: string;
      displayName: string;
      toolReferenceName: string;
      canBeReferencedInPrompt: boolean;
      userDescription: string;
      modelDescription: string;
      inputSchema: { type: string; properties: Record<string, { type: string; description: string }>; required: string[] };
    }[];
  };
};

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('package.json and the code agree', () => {
  const declared = manifest.contributes.commands.map((c) => c.command).sort();
  const known = (Object.values(CommandIds) as string[]).sort();

  test('every command in package.json is in CommandIds, and the other way round', () => {
    assert.deepEqual(declared, known);
  });

  test('every command is registered somewhere in src/host through CommandIds', () => {
    const source = sourceFiles(path.join(root, 'src', 'host'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    for (const [name, id] of Object.entries(CommandIds)) {
      // Through a feature's own `command(...)` helper or the shared runner's `registerSafeCommand(...)`,
      // the arguments on the same line or (as the formatter wraps long calls) on the next.
      assert.match(source, new RegExp(`[cC]ommand\\(\\s*CommandIds\\.${name}\\s*,`), `${id} is not registered`);
    }
  });

  test('every command has the Marginalia category and a title', () => {
    for (const command of manifest.contributes.commands) {
      assert.equal(command.category, 'Marginalia', command.command);
      assert.ok(command.title.length > 0, command.command);
    }
  });

  test('Remove Tag is offered in the context menu of tagged papers only', () => {
    const items = (manifest.contributes.menus['view/item/context'] as { command: string; when: string; group?: string }[]).filter(
      (item) => item.command === 'marginalia.removeTag' && !item.group?.startsWith('inline'),
    );
    assert.ok(items.length > 0);
    for (const item of items) assert.ok(item.when.includes('viewItem =~ /^paper\\b.*\\btagged\\b/'), item.when);
  });

  test('menus and welcome views name only declared commands and views', () => {
    const views = new Set(
      Object.values(manifest.contributes.views)
        .flat()
        .map((view) => view.id),
    );
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) {
        if (item.command) assert.ok(declared.includes(item.command), `${menu}: ${item.command}`);
      }
    }
    for (const welcome of manifest.contributes.viewsWelcome) {
      assert.ok(views.has(welcome.view), welcome.view);
      for (const [, command] of welcome.contents.matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(declared.includes(command) || command.startsWith('vscode.') || command.startsWith('workbench.'), command);
      }
    }
  });

  test('every language-model tool in package.json is in ToolNames and registered, and the other way round', () => {
    const tools = manifest.contributes.languageModelTools;
    assert.deepEqual(tools.map((tool) => tool.name).sort(), (Object.values(ToolNames) as string[]).sort());
    const source = readFileSync(path.join(root, 'src', 'host', 'lm', 'paperTools.ts'), 'utf8');
    for (const name of Object.keys(ToolNames)) assert.match(source, new RegExp(`registerTool<\\w+>\\(ToolNames\\.${name},`), `${name} is not registered`);
    for (const tool of tools) {
      assert.ok(tool.modelDescription.length > 200, `${tool.name}: a model needs a description that says when to use it`);
      assert.match(tool.modelDescription, /\[@key\]/, `${tool.name}: the description says how to cite`);
      assert.ok(tool.userDescription && tool.displayName, tool.name);
      assert.equal(tool.canBeReferencedInPrompt, true, tool.name);
      assert.match(tool.toolReferenceName, /^[a-zA-Z]+$/, tool.name);
      assert.equal(tool.inputSchema.type, 'object', tool.name);
      for (const required of tool.inputSchema.required) assert.ok(tool.inputSchema.properties[required]?.description, `${tool.name}: ${required} is described`);
    }
  });
});
