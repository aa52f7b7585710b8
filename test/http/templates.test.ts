import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import { describe, expect, it } from 'vitest';
import { compileView, localNames, prepareTemplate } from '../../server/http/templates.ts';
import { ROOT } from '../helpers.ts';

// Views are compiled without EJS's `with (locals)` block (server/http/templates.ts); each
// template declares the names it reads. These tests pin down how those names are found.

const VIEWS = path.join(ROOT, 'views');
const allViews = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? allViews(path.join(dir, e.name)) : e.name.endsWith('.ejs') ? [path.join(dir, e.name)] : []));

describe('localNames', () => {
  it('finds the data a template reads, not properties, keywords or the globals it uses', () => {
    expect(localNames('<%= user.name %> <% if (items.length > Math.max(1, limit)) { %><%- include("/x", { a }) %><% } %>')).toEqual([
      'a',
      'items',
      'limit',
      'user',
    ]);
  });

  it('counts a spread and the expressions inside a template literal', () => {
    const template = '<%= t(key, { ...params, n: count }) %> <%- `x="$' + '{value}"` %>'; // EJS code with a template literal
    expect(localNames(template)).toEqual(['count', 'key', 'n', 'params', 't', 'value']);
  });

  it('leaves out names the template declares at its top level, but not ones declared in a block', () => {
    const names = localNames(
      '<% const id = "f-" + name; const { a, b } = pair; %><% for (const o of options) { const label = o.x; %><%= label %><% } %><%= id %>',
    );
    expect(names).toEqual(['label', 'name', 'o', 'options', 'pair']);
  });

  it('ignores comments and strings', () => {
    expect(localNames('<%# secret stuff %><%= "a b c" + \'d\' %><%= shown %>')).toEqual(['shown']);
  });
});

describe('prepared templates', () => {
  it('render as EJS does with `with`, including names missing from the data', () => {
    const text = '<% const x = n * 2; %><%= x %>|<%= typeof absent === "undefined" ? "none" : absent %>|<% for (const i of list) { %><%= i %>,<% } %>';
    const classic = ejs.render(text, { n: 2, list: [1, 2] });
    const prepared = ejs.render(prepareTemplate(text), { n: 2, list: [1, 2] }, { _with: false });
    expect(prepared).toBe(classic);
    expect(prepared).toBe('4|none|1,2,');
  });

  it('keeps line numbers in error messages', () => {
    const render = ejs.compile(prepareTemplate('a\nb\n<%= broken.value %>'), { _with: false, filename: 'x.ejs' });
    expect(() => render({ broken: undefined })).toThrow(/x\.ejs:3/);
  });

  it('every view compiles (a name declared twice would be a syntax error)', () => {
    const views = allViews(VIEWS);
    expect(views.length).toBeGreaterThan(50);
    for (const file of views) expect(() => compileView(file, { root: VIEWS, cache: false }), file).not.toThrow();
  });
});
