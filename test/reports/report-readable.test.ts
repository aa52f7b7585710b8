import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatGeneratedAt, HEAT_STEPS, heatLevel } from '../../server/reports/report.ts';
import { adminAgent, buildFixture, type Fixture } from './fixtures.ts';

// The report as people read it: one colour scale with its key on every shaded table, tables
// grouped by level, dates in the reader's language, the modules in text, and a print sheet.

/** WCAG contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5]
      .map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('the colour scale', () => {
  it('has at least 5 steps, light to dark, each readable (contrast of 4.5:1 or more)', () => {
    expect(HEAT_STEPS.length).toBeGreaterThanOrEqual(5);
    for (const step of HEAT_STEPS) expect(contrast(step.background, step.text), step.background).toBeGreaterThanOrEqual(4.5);
    const darkness = HEAT_STEPS.map((s) => contrast(s.background, '#ffffff'));
    expect([...darkness].sort((a, b) => a - b)).toEqual(darkness);
  });

  it('puts every percentage in the step whose range its legend states', () => {
    for (const step of HEAT_STEPS) {
      expect(heatLevel(step.from)).toBe(step.level);
      expect(heatLevel(step.to)).toBe(step.level);
    }
    expect(heatLevel(0.1)).toBe(1);
    expect(heatLevel(19.9)).toBe(1);
    expect(heatLevel(20)).toBe(2);
    expect(heatLevel(100)).toBe(5);
  });

  it('is the same scale in the stylesheet', () => {
    const css = fs.readFileSync('static/css/reports.css', 'utf8');
    for (const step of HEAT_STEPS) {
      const rule = `td.heat-${step.level},\n.heat-swatch.heat-${step.level} {\n  background: ${step.background};\n  color: ${step.text === '#ffffff' ? '#fff' : step.text};\n}`;
      expect(css).toContain(rule);
    }
  });
});

describe('GET /admin/reports/compliance (readable)', () => {
  let f: Fixture;
  let html: string;
  beforeAll(async () => {
    f = await buildFixture();
    html = (await f.admin.get('/admin/reports/compliance')).text;
  });

  it('shows the legend beside the heat map and the group table', () => {
    for (const id of ['matrix-legend', 'groups-legend']) {
      const legend = new RegExp(`<div class="heat-legend" id="${id}">([\\s\\S]*?)</div>`).exec(html)?.[1] ?? '';
      expect(legend).toContain('0%');
      expect(legend).toContain('0.1–19.9%');
      expect(legend).toContain('80–100%');
      expect(legend.match(/class="heat-swatch heat-\d"/g)).toHaveLength(HEAT_STEPS.length);
      expect(html).toContain(`aria-describedby="${id}"`);
    }
  });

  it('shades every percentage cell of the group table by its figure, and writes the figure', () => {
    const table = /<table class="data-table group-table"[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    const rows = table.match(/<tr data-group=/g)?.length ?? 0;
    expect(rows).toBeGreaterThan(0);
    const cells = [...table.matchAll(/<td class="num heat heat-(\d)" data-(?:code|level)="[^"]+" data-count="(\d+)" data-percent="([\d.]+)">([^<]+)</g)];
    expect(cells).toHaveLength(rows * 21);
    for (const [, step, , percent, text] of cells) {
      expect(Number(step)).toBe(heatLevel(Number(percent)));
      expect(text!.trim()).toBe(`${Number(percent).toLocaleString('en-GB')}%`);
    }
    // North School: Anna and Boris both hold KA.1 (100 %, darkest), only Anna KD.1 (50 %).
    const north =
      table
        .split('<tr data-group=')
        .slice(1)
        .find((r) => />\s*North School\b/.test(r)) ?? '';
    expect(north).toContain('<td class="num heat heat-5" data-code="KA.1" data-count="2" data-percent="100">100% <span class="cell-count">2</span></td>');
    expect(north).toContain('<td class="num heat heat-3" data-code="KD.1" data-count="1" data-percent="50">');
  });

  it('groups the competency columns under their level, with a sticky first column, scrolling inside its box', () => {
    expect(html).toContain('<div class="table-scroll table-fit"');
    const headers = [...html.matchAll(/<th scope="colgroup" colspan="(\d)">([^<]+)<\/th>/g)].map((m) => [m[1], m[2]]);
    expect(headers).toEqual([
      ['6', 'KA · Knowledge Acquisition'],
      ['6', 'KD · Knowledge Deepening'],
      ['6', 'KC · Knowledge Creation'],
      ['3', 'All six of the level'],
    ]);
    const table = /<table class="data-table group-table"[\s\S]*?<\/thead>/.exec(html)?.[0] ?? '';
    const codes = [...table.matchAll(/>(K[ADC]\.\d)<\/a>/g)].map((m) => m[1]);
    expect(codes.slice(0, 7)).toEqual(['KA.1', 'KA.2', 'KA.3', 'KA.4', 'KA.5', 'KA.6', 'KD.1']);
    expect(codes).toHaveLength(18);
    expect(table).toContain('<th scope="col" class="sticky-col"');
  });

  it("states the time of generation in the reader's language, keeping the ISO time for machines", async () => {
    const [, iso, text] = /<time datetime="([^"]+)" data-generated-at>([^<]+)<\/time>/.exec(html) ?? [];
    expect(text).toBe(formatGeneratedAt(iso!, 'en'));
    expect(text).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2} UTC$/);
    const ru = (await (await adminAgent(f.ctx)).get('/admin/reports/compliance?lang=ru')).text;
    expect(/data-generated-at>([^<]+)</.exec(ru)?.[1]).toMatch(/^\d{1,2} [а-я]+ \d{4} г\. в \d{2}:\d{2} UTC$/);
    expect(ru).toContain('Доля учителей');
  });

  it('links the PDF beside the other downloads', () => {
    expect(html).toMatch(/<a href="\/admin\/reports\/compliance\?group=school&amp;sort=name&amp;dir=asc&amp;format=pdf" download>PDF/);
  });

  it('has a print sheet: A4 landscape, no form, no chrome, colours printed', () => {
    const css = fs.readFileSync('static/css/reports.css', 'utf8');
    expect(css).toMatch(/@page\s*{\s*size: A4 landscape;/);
    const print = css.slice(css.indexOf('@media print'));
    expect(print).toMatch(/\.report \.filter-form,[\s\S]*display: none !important/);
    expect(print).toContain('print-color-adjust: exact');
    expect(print).toMatch(/\.report tr,[\s\S]*break-inside: avoid/);
  });
});

describe('GET /admin/reports/compliance/teachers (readable)', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await buildFixture();
  });

  it('says how many of the 18 each teacher holds', async () => {
    const html = (await f.admin.get('/admin/reports/compliance/teachers?region=Yakutia')).text;
    const held = (name: string) => new RegExp(`class="sticky-col">${name}</th>\\s*<td class="num" data-held="(\\d+)">([^<]+)</td>`).exec(html)?.slice(1);
    expect(held('Anna')).toEqual(['7', '7 of 18']);
    expect(held('Clara')).toEqual(['18', '18 of 18']);
    expect(html).toContain('<th scope="col" class="num">Demonstrated</th>');
  });

  it("writes each date in the reader's language and the module behind it in text, not in a tooltip", async () => {
    const ru = (await (await adminAgent(f.ctx)).get('/admin/reports/compliance/teachers?region=Yakutia&lang=ru')).text;
    expect(ru).toMatch(
      /data-code="KA.1" data-standing="demonstrated"><time datetime="2024-02-01">1 февраля 2024 г.<\/time> <span class="evidence-module">[^<]+<\/span>/,
    );
    expect(ru).toContain('7 из 18');
    expect(ru).not.toMatch(/class="evidence-date"[^>]*title=/);
    expect(ru).not.toMatch(/>\d{4}-\d{2}-\d{2}</);
  });
});
