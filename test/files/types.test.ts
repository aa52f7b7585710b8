import { describe, expect, it } from 'vitest';
import { ACCEPT_ATTRIBUTE, allowedMediaType, extensionOf } from '../../server/files/types.ts';
import { EXE, GIF, HTML, JPEG, ole, ooxml, openDocument, PDF, PNG, SVG, WEBP, zip } from './fixtures.ts';

describe('allowedMediaType', () => {
  it.each([
    ['report.pdf', PDF, 'application/pdf'],
    ['photo.png', PNG, 'image/png'],
    ['photo.JPG', JPEG, 'image/jpeg'],
    ['photo.jpeg', JPEG, 'image/jpeg'],
    ['anim.gif', GIF, 'image/gif'],
    ['pic.webp', WEBP, 'image/webp'],
    ['plan.docx', ooxml('docx'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['marks.xlsx', ooxml('xlsx'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['talk.pptx', ooxml('pptx'), 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
    ['old.doc', ole('WordDocument'), 'application/msword'],
    ['old.xls', ole('Workbook'), 'application/vnd.ms-excel'],
    ['old.ppt', ole('PowerPoint Document'), 'application/vnd.ms-powerpoint'],
    ['plan.odt', openDocument('text'), 'application/vnd.oasis.opendocument.text'],
    ['marks.ods', openDocument('spreadsheet'), 'application/vnd.oasis.opendocument.spreadsheet'],
    ['talk.odp', openDocument('presentation'), 'application/vnd.oasis.opendocument.presentation'],
    ['Журнал курса.pdf', PDF, 'application/pdf'],
  ])('accepts %s', (name, bytes, mediaType) => {
    expect(allowedMediaType(name, bytes)).toBe(mediaType);
  });

  it.each([
    ['an HTML page named .pdf', 'report.pdf', HTML],
    ['an SVG', 'drawing.svg', SVG],
    ['an SVG named .png', 'drawing.png', SVG],
    ['an executable', 'setup.exe', EXE],
    ['an executable named .pdf', 'setup.pdf', EXE],
    ['a PNG named .pdf', 'photo.pdf', PNG],
    ['a PDF named .png', 'report.png', PDF],
    ['a Word file named .xlsx', 'plan.xlsx', ooxml('docx')],
    ['a macro-enabled document named .docx', 'plan.docx', ooxml('docm')],
    ['a plain zip named .docx', 'plan.docx', zip([{ name: 'word/document.xml', data: '<x/>' }])],
    ['a spreadsheet named .odt', 'plan.odt', openDocument('spreadsheet')],
    ['an OLE file of another kind (an installer) named .doc', 'setup.doc', ole('SummaryInformation')],
    ['a Word 97 file named .xls', 'old.xls', ole('WordDocument')],
    ['a truncated zip', 'plan.docx', ooxml('docx').subarray(0, 40)],
    ['a file without an extension', 'report', PDF],
    ['a dot file', '.pdf', PDF],
    ['an HTML file', 'page.html', HTML],
  ])('refuses %s', (_what, name, bytes) => {
    expect(allowedMediaType(name, bytes)).toBeNull();
  });

  it('never throws on a damaged container, whatever is cut or changed', () => {
    for (const [name, whole] of [
      ['plan.docx', ooxml('docx')],
      ['plan.odt', openDocument('text')],
    ] as const) {
      for (let cut = 0; cut < whole.length; cut += 7) {
        expect(() => allowedMediaType(name, whole.subarray(0, cut))).not.toThrow();
        const changed = Buffer.from(whole);
        changed[cut] = changed[cut]! ^ 0xff;
        expect(() => allowedMediaType(name, changed)).not.toThrow();
      }
    }
  });

  it('reads the extension of the last path part only', () => {
    expect(extensionOf('C:\\Users\\me\\plan.final.DOCX')).toBe('docx');
    expect(extensionOf('../../etc/passwd')).toBe('');
  });

  it('offers the same list to the browser', () => {
    expect(ACCEPT_ATTRIBUTE.split(',')).toEqual(expect.arrayContaining(['.pdf', '.png', '.docx', '.odt', '.ppt']));
    expect(ACCEPT_ATTRIBUTE).not.toMatch(/svg|html/);
  });
});
