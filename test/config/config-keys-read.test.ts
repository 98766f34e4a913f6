// Every configuration key is read by the code, not only documented: the TypeScript checker resolves
// each property read in src/ (outside src/config/) to the schema property it comes from, and every key
// path of the zod schema (walked by configKeyPaths) must be among them. A key added to the schema but
// consumed nowhere fails here, naming the key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, sep } from 'node:path';
import ts from 'typescript';
import { configKeyPaths } from '../../src/config/keys.js';
import { REPO_ROOT } from '../helpers/paths.js';

const SCHEMA_FILE = join(REPO_ROOT, 'src', 'config', 'schema.ts');
const CONFIG_DIR = join(REPO_ROOT, 'src', 'config') + sep;
const SRC_DIR = join(REPO_ROOT, 'src') + sep;

/**
 * Where the objects of schema.ts sit in the configuration. collectionShape is both [collection] and the
 * per-cluster overrides (effectiveCollection merges them into one object of the same type, read as such).
 */
const ROOTS: Record<string, string[][]> = {
  configSchema: [[]],
  clusterSchema: [['clusters[]']],
  collectionShape: [['collection'], ['clusters[]']],
};

/** The key paths a schema.ts property declaration stands for, from its enclosing properties and variable. */
function keyPathsOf(decl: ts.Node): string[][] {
  const chain: string[] = [];
  for (let n: ts.Node | undefined = decl; n; n = n.parent) {
    if ((ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) && ts.isIdentifier(n.name)) chain.unshift(n.name.text);
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) {
      const roots = ROOTS[n.name.text];
      if (!roots) return []; // not configuration (e.g. COLLECTION_DEFAULTS, a unit table)
      return roots.map((r) => [...r, ...chain]);
    }
  }
  return [];
}

function readKeyPaths(): Set<string> {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(REPO_ROOT, 'tsconfig.json'), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  });
  assert.ok(parsed, 'tsconfig.json parses');
  const roots = parsed.fileNames.filter((f) => f.startsWith(SRC_DIR.split(sep).join('/')) || f.startsWith(SRC_DIR));
  const program = ts.createProgram(roots, parsed.options);
  const checker = program.getTypeChecker();
  const read = new Set<string>();
  const note = (sym: ts.Symbol | undefined): void => {
    for (const d of sym?.declarations ?? []) {
      if (d.getSourceFile().fileName !== SCHEMA_FILE.split(sep).join('/')) continue;
      for (const p of keyPathsOf(d)) read.add(p.join('.'));
    }
  };
  for (const sf of program.getSourceFiles()) {
    const file = sf.fileName.split('/').join(sep);
    if (!file.startsWith(SRC_DIR) || file.startsWith(CONFIG_DIR)) continue;
    const visit = (n: ts.Node): void => {
      if (ts.isPropertyAccessExpression(n)) note(checker.getSymbolAtLocation(n.name));
      else if (ts.isElementAccessExpression(n)) {
        // settings[key] with key: 'summary_interval' | 'cadvisor_interval' reads each of those keys.
        const arg = checker.getTypeAtLocation(n.argumentExpression);
        const object = checker.getTypeAtLocation(n.expression);
        for (const t of arg.isUnion() ? arg.types : [arg]) if (t.isStringLiteral()) note(object.getProperty(t.value));
      }
      else if (ts.isBindingElement(n) && ts.isObjectBindingPattern(n.parent)) {
        const key = n.propertyName ?? n.name;
        if (ts.isIdentifier(key)) note(checker.getTypeAtLocation(n.parent).getProperty(key.text));
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return read;
}

test('every key of the config schema is read somewhere in src/ outside src/config/', () => {
  const read = readKeyPaths();
  const keys = configKeyPaths().map((p) => p.join('.'));
  assert.ok(keys.length > 40, `the schema walk finds the keys (${keys.length})`);
  // The check sees reads at all: a few known ones.
  for (const k of ['database.url', 'retention.raw', 'collection.summary_interval', 'clusters[].name']) assert.ok(read.has(k), `${k} seen as read`);
  const unread = keys.filter((k) => !read.has(k));
  assert.deepEqual(unread, [], `config keys declared but read nowhere in src/: ${unread.join(', ')}`);
});
