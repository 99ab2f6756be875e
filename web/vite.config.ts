/**
 * Build of the web app (SPEC §8.3), served by `rapport serve` from web/dist. After a build
 * the `initial-js-size` plugin prints the gzipped size of the JavaScript a first visit loads
 * (the entry chunk and its static imports; lazy pages are excluded) and fails the build when
 * it exceeds the 250 KB budget of issue 7.
 */
import { builtinModules } from 'node:module';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const BUDGET_BYTES = 250 * 1024;

function initialJsSize(): Plugin {
  return {
    name: 'initial-js-size',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map<string, { code: string; imports: string[]; isEntry: boolean }>();
      for (const item of Object.values(bundle)) {
        if (item.type === 'chunk') chunks.set(item.fileName, { code: item.code, imports: item.imports, isEntry: item.isEntry });
      }
      const initial = new Set<string>();
      const visit = (name: string) => {
        if (initial.has(name)) return;
        initial.add(name);
        for (const dep of chunks.get(name)?.imports ?? []) visit(dep);
      };
      for (const [name, chunk] of chunks) if (chunk.isEntry) visit(name);
      let gz = 0;
      let raw = 0;
      for (const name of initial) {
        const code = chunks.get(name)?.code ?? '';
        raw += Buffer.byteLength(code);
        gz += gzipSync(code, { level: 9 }).length;
      }
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      const report = { initial_js_files: [...initial], initial_js_bytes: raw, initial_js_gzip_bytes: gz, budget_gzip_bytes: BUDGET_BYTES };
      this.emitFile({ type: 'asset', fileName: 'bundle-report.json', source: `${JSON.stringify(report, null, 2)}\n` });
      console.log(`\ninitial JS: ${kb(gz)} gzipped (${kb(raw)} raw, ${initial.size} files; budget ${kb(BUDGET_BYTES)})`);
      if (gz > BUDGET_BYTES) this.error(`initial JS is ${kb(gz)} gzipped, over the ${kb(BUDGET_BYTES)} budget`);
    },
  };
}

/**
 * Shared schema files are bundled for form validation, and a few of them import a constant
 * from a server module that also uses Node built-ins (auth.schema.ts → passwords.ts →
 * node:crypto). Those built-ins become stubs that throw if ever called in the browser; the
 * functions that use them are never reached from the web app and are tree-shaken away.
 */
function serverOnlyBuiltins(): Plugin {
  const PREFIX = '\0server-only:';
  return {
    name: 'server-only-builtins',
    enforce: 'pre',
    resolveId(id) {
      const bare = id.replace(/^node:/, '');
      if (builtinModules.includes(bare)) return PREFIX + bare;
      return null;
    },
    async load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const name = id.slice(PREFIX.length);
      const names = Object.keys(await import(`node:${name}`)).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default');
      const stub = `() => { throw new Error('node:${name} is server-only'); }`;
      return `${names.map((k) => `export const ${k} = ${stub};`).join('\n')}\nexport default {};`;
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [serverOnlyBuiltins(), react(), initialJsSize()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:4321' },
  },
});
