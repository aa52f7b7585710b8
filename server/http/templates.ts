import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';

// EJS normally wraps every template in `with (locals) { ... }`, and V8 resolves each name inside
// a `with` block dynamically: a template body runs 3-4 times slower than the same code reading
// plain variables (measured with EJS 3.1.10 on Node 20). So templates are compiled without
// `with`, and each one starts by declaring, as variables, the names it reads from its data:
//
//   <% var __locals = locals, course = __locals.course, t = __locals.t, ... %>
//
// The names are found in the template's own code (identifiers that are not properties, keywords,
// the few globals templates use, or names the template declares at its top level). A name
// that is missing from the data is undefined, as it was under `with`. Includes go through the
// same step (EJS's includer option), so every partial declares its own names.

const KEYWORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else export extends false finally for function if import in ' +
    'instanceof let new null of return super switch this throw true try typeof var void while with yield async await arguments eval'
  ).split(' '),
);
// Globals the views use, and EJS's own parameters and helpers: never redeclared.
const KEPT = new Set([
  'Boolean',
  'Date',
  'Math',
  'Number',
  'Object',
  'String',
  'Array',
  'JSON',
  'encodeURIComponent',
  'isNaN',
  'undefined',
  'NaN',
  'Infinity',
  'locals',
  'include',
  'escapeFn',
  'rethrow',
  '__append',
  '__output',
  '__locals',
]);

const CODE = /<%([_=\-#%]?)([\s\S]*?)[-_]?%>/g;
const IDENTIFIER = /[A-Za-z_$][\w$]*/y;

/** The code of a scriptlet with string contents blanked (a template literal keeps its ${...}). */
function withoutStrings(code: string): string {
  let out = '';
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (c === "'" || c === '"') {
      const end = findClosing(code, i, c);
      out += ' ';
      i = end;
    } else if (c === '`') {
      const end = findClosing(code, i, '`');
      const body = code.slice(i + 1, end);
      for (const m of body.matchAll(/\$\{([^}]*)\}/g)) out += ` ${m[1]} `;
      i = end;
    } else {
      out += c;
    }
  }
  return out;
}

function findClosing(code: string, start: number, quote: string): number {
  for (let i = start + 1; i < code.length; i++) {
    if (code[i] === '\\') i++;
    else if (code[i] === quote) return i;
  }
  return code.length;
}

/** The names a template reads from its data. */
export function localNames(template: string): string[] {
  const used = new Set<string>();
  const declared = new Set<string>(); // at the template's top level, where a second `var` would clash
  let depth = 0; // braces, brackets and parentheses, carried across scriptlets
  for (const [, kind, raw] of template.matchAll(CODE)) {
    if (kind === '#' || kind === '%') continue; // comments and literal <%%
    const code = withoutStrings(raw!);
    let topLevelDeclaration = false;
    for (let i = 0; i < code.length; i++) {
      const c = code[i]!;
      if ('{(['.includes(c)) depth++;
      else if ('})]'.includes(c)) depth--;
      else if (c === ';' || c === '=') topLevelDeclaration = false;
      if (!/[A-Za-z_$]/.test(c) || /[\w$]/.test(code[i - 1] ?? '')) continue;
      IDENTIFIER.lastIndex = i;
      const name = IDENTIFIER.exec(code)![0];
      const before = code.slice(0, i).trimEnd();
      const property = before.endsWith('.') && !before.endsWith('...'); // obj.name, not ...spread
      i += name.length - 1;
      if (property) continue;
      if (name === 'const' || name === 'let') {
        topLevelDeclaration = depth === 0;
      } else if (name === 'function' || name === 'class') {
        const next = /^\s*([A-Za-z_$][\w$]*)/.exec(code.slice(i + 1));
        if (depth === 0 && next) declared.add(next[1]!);
      } else if (topLevelDeclaration) {
        declared.add(name); // const a / const { a, b } / const [a, b]: every name before the =
      } else if (!KEYWORDS.has(name) && !KEPT.has(name)) {
        used.add(name);
      }
    }
  }
  return [...used].filter((name) => !declared.has(name)).sort();
}

/** The template's text with its names declared in front (on its first line, so line numbers stay). */
export function prepareTemplate(template: string): string {
  const names = localNames(template);
  if (names.length === 0) return template;
  return `<% var __locals = locals, ${names.map((n) => `${n} = __locals.${n}`).join(', ')}; %>${template}`;
}

export interface CompileOptions {
  root: string;
  cache: boolean;
}

const prepared = new Map<string, string>();

function readPrepared(file: string, cache: boolean): string {
  let text = cache ? prepared.get(file) : undefined;
  if (text === undefined) {
    text = prepareTemplate(fs.readFileSync(file, 'utf8'));
    if (cache) prepared.set(file, text);
  }
  return text;
}

/**
 * A view file's template function (its includes are prepared the same way when first used). With
 * cache, views and includes share EJS's own cache of compiled functions, keyed by file name.
 */
export function compileView(filename: string, options: CompileOptions): ejs.TemplateFunction {
  const known = options.cache ? (ejs.cache.get(filename) as ejs.TemplateFunction | undefined) : undefined;
  if (known) return known;
  const read = (file: string) => readPrepared(file, options.cache);
  const template = ejs.compile(read(filename), {
    filename,
    root: options.root,
    cache: options.cache,
    _with: false,
    includer: (_original: string, parsed: string) => ({ template: read(path.resolve(parsed)) }),
  }) as ejs.TemplateFunction;
  if (options.cache) ejs.cache.set(filename, template);
  return template;
}
