/**
 * Keeps README.md honest: every ```ts block is typechecked against the real sources (imports of 'rocketmq-ts' and
 * 'rocketmq-ts/mock' rewritten to src/), with the repository's strict compiler options, so a renamed option or method
 * fails here instead of in a reader's editor. Also checks the quickstart commands, the generated-section markers and
 * that relative links point at files that exist.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
// One directory per run so two concurrent runs cannot delete each other's files.
const tmpRoot = join(here, '.tmp');
const tmp = join(tmpRoot, `run-${process.pid}`);

interface Snippet {
  /** 1-based line of the opening fence in README.md. */
  line: number;
  code: string;
}

/** Every ```ts / ```typescript block with the line it starts on. */
function tsBlocks(md: string): Snippet[] {
  const out: Snippet[] = [];
  const re = /^```(?:ts|typescript)[ \t]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (let m = re.exec(md); m; m = re.exec(md)) {
    out.push({ line: md.slice(0, m.index).split('\n').length, code: m[1] });
  }
  return out;
}

/** Points the package's own specifiers at the sources, relative to the snippet file. */
function rewriteImports(code: string, fromDir: string): string {
  const src = (p: string): string => {
    const rel = relative(fromDir, join(root, 'src', p)).split('\\').join('/');
    return rel.startsWith('.') ? rel : `./${rel}`;
  };
  return code
    .replace(/(['"])rocketmq-ts\/mock\1/g, `'${src('mock/index.js')}'`)
    .replace(/(['"])rocketmq-ts\1/g, `'${src('index.js')}'`);
}

/** The repository's compiler options (tsconfig.json), type-only. */
function compilerOptions(): ts.CompilerOptions {
  const file = ts.readConfigFile(join(root, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  if (file.error) throw new Error(ts.flattenDiagnosticMessageText(file.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(file.config, ts.sys, root);
  return { ...parsed.options, noEmit: true, declaration: false, sourceMap: false, incremental: false };
}

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  try {
    rmdirSync(tmpRoot); // only when empty: another run may still use it
  } catch {
    // not empty (a concurrent run) or already gone
  }
});

describe('README.md', () => {
  it('keeps the two quickstart commands', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('npm ci && npm test');
  });

  it('keeps the generated-section markers, with demo output inside a code block', () => {
    for (const marker of ['interop-matrix', 'demo-output']) {
      const start = readme.indexOf(`<!-- ${marker}:start -->`);
      const end = readme.indexOf(`<!-- ${marker}:end -->`);
      expect(start, marker).toBeGreaterThanOrEqual(0);
      expect(end, marker).toBeGreaterThan(start);
    }
    const demo = readme.slice(readme.indexOf('<!-- demo-output:start -->'), readme.indexOf('<!-- demo-output:end -->'));
    expect(demo).toMatch(/```text\n[\s\S]*OK: nothing acknowledged was lost[\s\S]*\n```/);
  });

  it('links only to files that exist and names only npm scripts that exist', () => {
    const links = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) expect(existsSync(join(root, l)), l).toBe(true);
    const scripts = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    for (const m of readme.matchAll(/npm run ([\w:-]+)/g)) expect(scripts, m[0]).toContain(m[1]);
  });

  it('has TypeScript snippets that typecheck against the sources', () => {
    const snippets = tsBlocks(readme);
    expect(snippets.length).toBeGreaterThanOrEqual(5);
    mkdirSync(tmp, { recursive: true });
    const files = snippets.map((s) => {
      const file = join(tmp, `readme-line-${s.line}.ts`);
      // `export {}` makes each snippet a module even without imports (top-level await, no global clashes).
      writeFileSync(file, `${rewriteImports(s.code, tmp)}\nexport {};\n`);
      return { file, line: s.line };
    });
    const program = ts.createProgram(
      files.map((f) => f.file),
      compilerOptions(),
    );
    const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
    for (const f of files) {
      const sf = program.getSourceFile(f.file);
      expect(sf, f.file).toBeDefined();
      diagnostics.push(...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf));
    }
    const messages = diagnostics.map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file) return text;
      const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
      const snippet = files.find((f) => f.file === d.file?.fileName);
      // Report README.md lines: the block's fence line + 1 + the line inside the snippet.
      return snippet ? `README.md:${snippet.line + 1 + line}: ${text}` : `${d.file.fileName}:${line + 1}: ${text}`;
    });
    expect(messages).toEqual([]);
  }, 60_000);
});
