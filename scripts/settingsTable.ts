// The README's settings table, generated from package.json's contributes.configuration so that it
// cannot fall behind the manifest. `npm run docs:settings` rewrites the table between the two
// markers in README.md; `npm run docs:settings -- --check` (and test/unit/readmeSettings.test.ts)
// fails when the README's table is not the generated one.
import fs from 'node:fs';
import path from 'node:path';

export const START_MARKER = '<!-- settings:start (generated from package.json by npm run docs:settings) -->';
export const END_MARKER = '<!-- settings:end -->';

/** The JSON schema of one setting, as far as the table reads it. */
interface SettingSchema {
  type?: string;
  enum?: unknown[];
  enumDescriptions?: string[];
  items?: { type?: string };
  additionalProperties?: { type?: string };
  default?: unknown;
  description?: string;
  markdownDescription?: string;
}

/** The parts of package.json the table is made from. */
export interface SettingsManifest {
  contributes: { configuration: { properties?: Record<string, SettingSchema> } | { properties?: Record<string, SettingSchema> }[] };
  capabilities?: { untrustedWorkspaces?: { restrictedConfigurations?: string[] } };
}

/** Text for one markdown table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

/** A default value as inline code; a list of strings as one code span per item. */
function defaultValue(value: unknown): string {
  if (value === undefined) return '';
  if (value === '') return '(empty)';
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.map((item) => `\`${item}\``).join(', ');
  return `\`${JSON.stringify(value)}\``;
}

function typeOf(schema: SettingSchema): string {
  if (schema.enum) {
    return schema.enum
      .map((value, i) => {
        const description = schema.enumDescriptions?.[i];
        return description ? `\`${value}\` (${description.replace(/\.$/, '').toLowerCase()})` : `\`${value}\``;
      })
      .join(', ');
  }
  if (schema.type === 'array' && schema.items?.type) return `array of ${schema.items.type}s`;
  if (schema.type === 'object' && schema.additionalProperties?.type) return `object of ${schema.additionalProperties.type}s`;
  return String(schema.type);
}

/**
 * The markdown table of every `contributes.configuration` property of `manifest`, in manifest
 * order: name, values, default, description, and whether Restricted Mode ignores the workspace's value.
 */
export function settingsTable(manifest: SettingsManifest): string {
  const sections = [manifest.contributes.configuration].flat();
  const restricted = new Set(manifest.capabilities?.untrustedWorkspaces?.restrictedConfigurations ?? []);
  const rows = sections.flatMap((section) =>
    Object.entries(section.properties ?? {}).map(([name, schema]) => {
      const description = schema.markdownDescription ?? schema.description ?? '';
      const trust = restricted.has(name) ? ' In Restricted Mode the workspace value is ignored.' : '';
      return `| \`${name}\` | ${cell(typeOf(schema))} | ${cell(defaultValue(schema.default))} | ${cell(description + trust)} |`;
    }),
  );
  return ['| setting | values | default | what it does |', '|---|---|---|---|', ...rows].join('\n');
}

/**
 * `readme` with the text between the markers replaced by `table`. Throws when the markers are
 * missing, so that a README edit cannot drop the table silently.
 */
export function withSettingsTable(readme: string, table: string): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start)
    throw new Error(`README.md has no "${START_MARKER}" ... "${END_MARKER}" block: put the two markers where the settings table goes.`);
  return `${readme.slice(0, start + START_MARKER.length)}\n\n${table}\n\n${readme.slice(end)}`;
}

const root = path.resolve(__dirname, '..');
if (require.main === module) {
  const readmePath = path.join(root, 'README.md');
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as SettingsManifest;
  const readme = fs.readFileSync(readmePath, 'utf8');
  const updated = withSettingsTable(readme, settingsTable(manifest));
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      console.error('The settings table in README.md is not the one package.json gives: run npm run docs:settings.');
      process.exitCode = 1;
    }
  } else if (updated !== readme) {
    fs.writeFileSync(readmePath, updated);
    console.log('README.md: settings table updated from package.json');
  } else {
    console.log('README.md: settings table already matches package.json');
  }
}
