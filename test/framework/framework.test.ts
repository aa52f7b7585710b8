import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { competencyEvidence } from '../../server/db/schema.ts';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { MOODLE_COLUMNS } from '../../server/framework/exports.ts';
import { COMPETENCIES } from '../../server/framework/ict-cft.ts';
import { createTestApp, userAgent } from '../helpers.ts';

const ctx = await createTestApp();

describe('GET /framework', () => {
  it('shows the 6 x 3 matrix: 18 titled cells, each linking to its competency', async () => {
    const res = await request(ctx.app).get('/framework');
    expect(res.status).toBe(200);
    const links = [...res.text.matchAll(/<a href="\/framework\/(K[ADC]\.[1-6])">/g)].map((m) => m[1]);
    expect(new Set(links).size).toBe(18);
    for (const title of [
      'Policy Understanding',
      'Complex Problem-solving',
      'Learning Organizations',
      'Teacher as Innovator',
      'Organization and Administration',
    ]) {
      expect(res.text).toContain(title);
    }
    expect(res.text).toContain('CC BY-SA 3.0 IGO');
    expect(res.text).toContain('978-92-3-100285-4');
  });

  it('shows Russian titles in Russian', async () => {
    const res = await request(ctx.app).get('/framework?lang=ru');
    expect(res.text).toContain('Освоение знаний');
  });

  it('shows quiz evidence at Knowledge Deepening as knowledge checked, and assessed work as demonstrated', async () => {
    const { user, agent } = await userAgent(ctx);
    const mod = (await getCatalogue(ctx.db)).byCompetency('KD.3')[0]!;
    const evidence = { userId: user.id, competency: 'KD.3', moduleId: mod.module.id, courseId: mod.course.id, createdAt: Date.UTC(2026, 0, 5) };
    await ctx.db.insert(competencyEvidence).values({ ...evidence, kind: 'quiz', source: `module:${mod.module.id}` });
    let res = await agent.get('/framework');
    expect(res.text).toContain('You have demonstrated 0 of the 18 competencies. Knowledge checked for 1 more.');
    expect(res.text.match(/class="standing-checked"/g)).toHaveLength(1);
    expect(res.text).toContain(`Quiz: <a href="/courses/${mod.course.slug}/${mod.module.slug}">${mod.module.title}</a>`);
    res = await agent.get('/framework/KD.3');
    expect(res.text).toContain('◐ Knowledge checked.');
    expect(res.text).toContain('to demonstrate this competency it takes work a trainer assessed against a rubric');

    await ctx.db.insert(competencyEvidence).values({ ...evidence, kind: 'assessed', source: `assignment:${mod.module.id}`, createdAt: Date.UTC(2026, 0, 9) });
    res = await agent.get('/framework');
    expect(res.text).toContain('You have demonstrated 1 of the 18 competencies.');
    expect(res.text).not.toContain('Knowledge checked for');
    expect(res.text.match(/class="standing-demonstrated"/g)).toHaveLength(1);
    expect(res.text).toContain(`Assessed work: <a href="/courses/${mod.course.slug}/${mod.module.slug}#assignment">`);
    res = await agent.get('/framework/KD.3');
    expect(res.text).toContain('✓ Demonstrated.');
  });
});

describe('GET /framework/:code', () => {
  it('lists, for every competency, at least one module that develops it', async () => {
    for (const c of COMPETENCIES) {
      const res = await request(ctx.app).get(`/framework/${c.code}`);
      expect(res.status, c.code).toBe(200);
      expect(res.text).toContain(c.title);
      expect(res.text, `${c.code} has no module`).toMatch(/<a href="\/courses\/[a-z-]+\/[a-z-]+">/);
    }
  });

  it('redirects a lower-case code and answers 404 for an unknown one', async () => {
    expect((await request(ctx.app).get('/framework/kd.3')).headers.location).toBe('/framework/KD.3');
    const res = await request(ctx.app).get('/framework/KX.9');
    expect(res.status).toBe(404);
    expect(res.text).toContain('Codes look like KD.3');
  });
});

describe('framework exports', () => {
  it('GET /framework.json has levels, aspects, 18 competencies, version and licence', async () => {
    const res = await request(ctx.app).get('/framework.json');
    expect(res.type).toBe('application/json');
    expect(res.body.version).toBe('3');
    expect(res.body.licence.code).toBe('CC-BY-SA-3.0-IGO');
    expect(res.body.levels.map((l: { code: string }) => l.code)).toEqual(['KA', 'KD', 'KC']);
    expect(res.body.aspects).toHaveLength(6);
    expect(res.body.competencies).toHaveLength(18);
    expect(res.body.competencies.find((c: { code: string }) => c.code === 'KA.1').title).toBe('Policy Understanding');
    expect(res.body.crosswalkV2.find((x: { v2Code: string }) => x.v2Code === 'KD.1').v3Code).toBe('KD.1');
  });

  it('GET /framework/case.json is a CASE 1.1 package with stable identifiers and complete associations', async () => {
    const first = await request(ctx.app).get('/framework/case.json');
    const again = await createTestApp({ courses: false });
    const second = await request(again.app).get('/framework/case.json');
    expect(second.text).toBe(first.text);
    const pkg = first.body;
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(pkg.CFDocument.identifier).toMatch(uuid);
    expect(pkg.CFDocument.licenseURI.title).toContain('CC BY-SA 3.0 IGO');
    expect(pkg.CFItems).toHaveLength(6 + 3 + 18);
    const ids = new Set<string>(pkg.CFItems.map((i: { identifier: string }) => i.identifier));
    expect(ids.size).toBe(27);
    for (const item of pkg.CFItems) expect(item.identifier).toMatch(uuid);
    const competencies = pkg.CFItems.filter((i: { CFItemType: string }) => i.CFItemType === 'Competency');
    expect(competencies.map((c: { humanCodingScheme: string }) => c.humanCodingScheme).sort()).toEqual(COMPETENCIES.map((c) => c.code).sort());
    // every competency is the child of an aspect, and every aspect and level the child of the document
    const childOf = pkg.CFAssociations.filter((a: { associationType: string }) => a.associationType === 'isChildOf');
    expect(childOf).toHaveLength(18 + 6 + 3);
    for (const a of childOf) {
      expect(ids.has(a.originNodeURI.identifier)).toBe(true);
      expect(ids.has(a.destinationNodeURI.identifier) || a.destinationNodeURI.identifier === pkg.CFDocument.identifier).toBe(true);
    }
    expect(COMPETENCIES.map((c) => c.uuid)).toEqual(
      expect.arrayContaining([...ids].filter((id) => competencies.some((c: { identifier: string }) => c.identifier === id))),
    );
  });

  it('GET /framework/moodle.csv has the tool_lpimportcsv columns, the framework row first, and every competency under its aspect', async () => {
    const res = await request(ctx.app).get('/framework/moodle.csv');
    expect(res.headers['content-type']).toContain('text/csv');
    const rows: Record<string, string>[] = parse(res.text, { columns: true });
    expect(Object.keys(rows[0]!)).toEqual([...MOODLE_COLUMNS]);
    expect(rows[0]!.isframework).toBe('1');
    expect(rows[0]!.idnumber).toBe('ICT-CFT-V3');
    expect(rows[0]!.scalevalues).toBe('Not yet competent,Competent');
    expect(JSON.parse(rows[0]!.scaleconfiguration!)[0]).toHaveProperty('scaleid');
    expect(rows[0]!.description).toContain('CC BY-SA 3.0 IGO');
    expect(rows).toHaveLength(1 + 6 + 18);
    const byId = new Map(rows.map((r) => [r.idnumber, r]));
    for (const c of COMPETENCIES) {
      const row = byId.get(c.code)!;
      expect(row.shortname).toBe(`${c.code} ${c.title}`);
      expect(byId.get(row.parentidnumber!)?.parentidnumber).toBe('');
    }
  });
});
